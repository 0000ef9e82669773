import Testing
@testable import Apus

@Suite struct DatasetSliceTests {
    /// Ten examples: inputs `[10, 2]` with row i = (i, 10·i), targets i mod 3.
    let data = TensorDataset(inputs: Tensor(shape: [10, 2], values: (0..<10).flatMap { [Double($0), Double(10 * $0)] }),
                             targets: Tensor(scalars: (0..<10).map { Int64($0 % 3) }))

    @Test func readsThroughToTheBaseWithShiftedIndices() {
        let slice = DatasetSlice(data, range: 6..<9)
        #expect(slice.count == 3)
        let (x, y) = slice.batch(at: [2, 0])
        #expect(x.toArray(as: Float.self) == [8, 80, 6, 60])
        #expect(y.toArray(as: Int64.self) == [2, 0])
        // A loader over the slice visits examples 6, 7, 8 of the base.
        let seen = DataLoader(slice, batchSize: 2).flatMap { $0.inputs.toArray(as: Float.self).enumerated().filter { $0.offset % 2 == 0 }.map(\.element) }
        #expect(seen == [6, 7, 8])
    }

    @Test func lastTenthSplitIsTheTailOfTheTrainingSet() {
        let (train, validation) = splitOffLastTenth(data)
        #expect(train.count == 9 && validation.count == 1)
        #expect(validation.batch(at: [0]).inputs.toArray(as: Float.self) == [9, 90])
        #expect(train.batch(at: [8]).inputs.toArray(as: Float.self) == [8, 80])
    }

    @Test func outOfRangeStops() async {
        let range = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let data = TensorDataset(inputs: Tensor(shape: [3, 1], values: [1, 2, 3]), targets: Tensor(scalars: [Int64(0), 1, 2]))
            _ = DatasetSlice(data, range: 2..<4)
        }
        #expect(stderrText(range).contains("DatasetSlice: range 2..<4 out of bounds for a dataset of 3 examples"))
        let index = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let data = TensorDataset(inputs: Tensor(shape: [3, 1], values: [1, 2, 3]), targets: Tensor(scalars: [Int64(0), 1, 2]))
            _ = DatasetSlice(data, range: 1..<3).batch(at: [2])
        }
        #expect(stderrText(index).contains("DatasetSlice.batch: index 2 out of range for 2 examples"))
    }
}
