// What ``summary(of:inputShape:dtype:)`` needs to know of each layer kind: multiply–accumulates
// per call, and the sliding windows that make up the receptive field.

extension Conv2d: MultiplyAccumulateCounting, SlidingWindowLayer {
    /// Each output element takes `inChannels/groups · kH · kW` products (bias not counted).
    public func multiplyAccumulates(inputShape: [Int], outputShape: [Int]) -> Int {
        outputShape.reduce(1, *) * (inChannels / groups) * kernelSize.height * kernelSize.width
    }
    public var windowGeometry: [(kernel: Int, stride: Int, dilation: Int)] {
        [(kernelSize.height, stride.height, dilation.height), (kernelSize.width, stride.width, dilation.width)]
    }
}

extension Conv1d: MultiplyAccumulateCounting, SlidingWindowLayer {
    /// Each output element takes `inChannels/groups · k` products (bias not counted).
    public func multiplyAccumulates(inputShape: [Int], outputShape: [Int]) -> Int {
        outputShape.reduce(1, *) * (inChannels / groups) * kernelSize
    }
    public var windowGeometry: [(kernel: Int, stride: Int, dilation: Int)] { [(kernelSize, stride, dilation)] }
}

extension ConvTranspose2d: MultiplyAccumulateCounting {
    /// Each input element is spread over `outChannels/groups · kH · kW` outputs.
    public func multiplyAccumulates(inputShape: [Int], outputShape: [Int]) -> Int {
        inputShape.reduce(1, *) * (outChannels / groups) * kernelSize.height * kernelSize.width
    }
}

extension Conv3d: MultiplyAccumulateCounting, SlidingWindowLayer {
    /// Each output element takes `inChannels/groups · kD · kH · kW` products (bias not counted).
    public func multiplyAccumulates(inputShape: [Int], outputShape: [Int]) -> Int {
        outputShape.reduce(1, *) * (inChannels / groups) * kernelSize.values.reduce(1, *)
    }
    public var windowGeometry: [(kernel: Int, stride: Int, dilation: Int)] {
        (0..<3).map { (kernelSize.values[$0], stride.values[$0], dilation.values[$0]) }
    }
}

extension ConvTranspose1d: MultiplyAccumulateCounting {
    /// Each input element is spread over `outChannels/groups · k` outputs.
    public func multiplyAccumulates(inputShape: [Int], outputShape: [Int]) -> Int {
        inputShape.reduce(1, *) * (outChannels / groups) * kernelSize
    }
}

extension ConvTranspose3d: MultiplyAccumulateCounting {
    /// Each input element is spread over `outChannels/groups · kD · kH · kW` outputs.
    public func multiplyAccumulates(inputShape: [Int], outputShape: [Int]) -> Int {
        inputShape.reduce(1, *) * (outChannels / groups) * kernelSize.values.reduce(1, *)
    }
}

extension MaxPool2d: SlidingWindowLayer {
    public var windowGeometry: [(kernel: Int, stride: Int, dilation: Int)] {
        [(kernelSize.height, stride.height, dilation.height), (kernelSize.width, stride.width, dilation.width)]
    }
}

extension AvgPool2d: SlidingWindowLayer {
    public var windowGeometry: [(kernel: Int, stride: Int, dilation: Int)] {
        [(kernelSize.height, stride.height, 1), (kernelSize.width, stride.width, 1)]
    }
}

extension MaxPool1d: SlidingWindowLayer {
    public var windowGeometry: [(kernel: Int, stride: Int, dilation: Int)] { [(kernelSize, stride, dilation)] }
}

extension AvgPool1d: SlidingWindowLayer {
    public var windowGeometry: [(kernel: Int, stride: Int, dilation: Int)] { [(kernelSize, stride, 1)] }
}
