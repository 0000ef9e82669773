// swift-tools-version: 6.1
import PackageDescription

/// The course's examples, one executable each under Examples/ (`swift run -c release <Name>`).
let courseExamples = [
    "LinearRegression", "LogisticRegression", "SoftmaxRegression", "Perceptron", "XOR", "DecisionBoundaries",
    "PolynomialRegression", "MultiTask", "Ensemble", "SeeingInside", "ImageFolder", "FineTune", "Backprop", "Autoencoder",
]

let package = Package(
    name: "Apus",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Apus", targets: ["Apus"]),
        .library(name: "ApusVision", targets: ["ApusVision"]),
        .executable(name: "apus", targets: ["ApusCLI"]),
    ],
    traits: [
        .trait(name: "MPI", description: "Data-parallel training over Open MPI (`apus train --distributed` under mpirun); "
               + "needs libopenmpi-dev. Build with `swift build --traits MPI`."),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `swift package generate-documentation` builds the DocC catalogues (no effect on the build).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .target(name: "CApusKernels"),
        // zlib for every inflate and deflate (gzip data files, PNG); the toolchain needs it on Linux anyway.
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        .target(
            name: "Apus",
            dependencies: ["CApusKernels", "CZlib", .target(name: "CMPI", condition: .when(traits: ["MPI"]))],
            resources: [.copy("Resources/digits.bin")],
            swiftSettings: [.define("APUS_MPI", .when(traits: ["MPI"]))]
        ),
        .target(name: "ApusVision", dependencies: ["Apus"]),
        // The workloads behind `apus bench`: the libraries ship no benchmark code.
        .target(name: "ApusBenchmarks", dependencies: ["Apus", "ApusVision"]),
        .executableTarget(
            name: "ApusCLI",
            dependencies: [
                "Apus",
                "ApusVision",
                "ApusBenchmarks",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "QuickStart",
            dependencies: ["Apus"],
            path: "Examples/QuickStart"
        ),
        .testTarget(
            name: "ApusTests",
            dependencies: ["Apus", "ApusVision", "ApusBenchmarks"],
            exclude: ["Fixtures"]  // read through #filePath by the tests that need them
        ),
    ] + courseExamples.map { .executableTarget(name: $0, dependencies: ["Apus", "ApusVision"], path: "Examples/\($0)") }
)
