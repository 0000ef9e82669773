import Testing
@testable import Apus

/// One argument style for every spatial op: an integer for both axes or a pair, the same type
/// (`IntPair`, `ScaleFactor`) in functions and layers.
struct SpatialArgumentTests {
    @Test func intPairSpellingsAgree() {
        #expect(IntPair(3) == 3)
        #expect(IntPair(2, 3) == [2, 3])
        #expect(IntPair((2, 3)) == [2, 3])
        #expect(IntPair(2, 3).pair == (2, 3))
        #expect("\(IntPair(2, 3))" == "(2, 3)" && "\(IntPair(5))" == "5")
        #expect(ScaleFactor(2) == 2 && ScaleFactor(1.5) == 1.5 && ScaleFactor((1.5, 2)) == [1.5, 2])
    }

    @Test func everyTwoDimensionalOpTakesTheSameForms() {
        let x = Tensor.randn([1, 2, 12, 10], generator: RandomGenerator(seed: 1))
        // An integer means the same value along both axes, in functions and in layers.
        #expect(maxPool2d(x, kernelSize: 2) == maxPool2d(x, kernelSize: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1]))
        #expect(MaxPool2d([3, 2], stride: [1, 2])(x) == maxPool2d(x, kernelSize: [3, 2], stride: [1, 2]))
        #expect(AvgPool2d(2, padding: 1)(x) == avgPool2d(x, kernelSize: [2, 2], padding: [1, 1]))
        #expect(AdaptiveAvgPool2d([3, 4])(x).shape == [1, 2, 3, 4])
        #expect(AdaptiveMaxPool2d(5)(x) == adaptiveMaxPool2d(x, outputSize: [5, 5]))
        #expect(Upsample(size: [24, 15])(x) == upsample(x, size: IntPair(24, 15)))
        #expect(Upsample(scaleFactor: 2)(x) == upsample(x, scaleFactor: [2, 2]))
        #expect(upsample(x, scaleFactor: 1.5).shape == [1, 2, 18, 15])
        let w = Tensor.randn([3, 2, 3, 3], generator: RandomGenerator(seed: 2))
        #expect(conv2d(x, weight: w, stride: 2, padding: 1) == conv2d(x, weight: w, stride: [2, 2], padding: [1, 1]))
        #expect(conv2d(x, weight: w, padding: .same).shape == [1, 3, 12, 10])
        #expect(conv2d(x, weight: w, padding: .valid).shape == [1, 3, 10, 8])
        let t = Tensor.randn([3, 2, 2, 2], generator: RandomGenerator(seed: 3))
        #expect(ConvTranspose2d(3, 2, kernelSize: [2, 3], stride: 2)(conv2d(x, weight: w)).shape == [1, 2, 20, 17])
        #expect(convTranspose2d(conv2d(x, weight: w), weight: t, stride: [2, 1]) == convTranspose2d(conv2d(x, weight: w), weight: t, stride: IntPair(2, 1)))
    }
}
