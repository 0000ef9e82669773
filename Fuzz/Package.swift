// swift-tools-version: 6.1
import PackageDescription

// libFuzzer targets for Apus's readers of untrusted files. Not part of the default build: build
// and run them with Scripts/fuzz.sh, which passes -sanitize=fuzzer,address (instrumenting Apus's
// Swift code for coverage and AddressSanitizer) and -enable-testing (the targets reach internal
// entry points that take bytes, such as the CSV reader with a chosen block size).
//
// Each target is `Sources/Fuzz<Name>/main.swift`: one call of `fuzz { bytes in ... }` that feeds
// the input to one reader and ignores the errors it throws; a trap, a sanitizer report, a leak, a
// timeout or an allocation above libFuzzer's limit is a finding.

/// The targets, in the order Scripts/fuzz.sh runs them.
let fuzzTargets = [
    "FuzzIDX", "FuzzGzip", "FuzzSafetensors", "FuzzCSV", "FuzzPNG", "FuzzJPEG", "FuzzPth",
    // A new reader of files gets a target here, in Scripts/fuzz.sh and in FuzzRegressionTests.
]

let package = Package(
    name: "ApusFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "Apus", path: "..")],
    targets: [
        .target(name: "FuzzSupport"),
    ] + fuzzTargets.map { name in
        .executableTarget(
            name: name,
            dependencies: ["FuzzSupport", .product(name: "Apus", package: "Apus"), .product(name: "ApusVision", package: "Apus")],
            // libFuzzer's runtime and SwiftPM's renamed entry point do not link with gold on Linux.
            linkerSettings: [.unsafeFlags(["-use-ld=lld"], .when(platforms: [.linux]))]
        )
    }
)
