// Gradcheck rows for the differentiable data transforms (Sources/Apus/Data).

import Testing
@testable import Apus

extension GradcheckTests {
    static let dataFamily = GradcheckFamily(ops: ["polynomialFeatures"], broadcasting: [], cases: [
        plain("polynomialFeatures", "[4,3] degree 3 with bias") { g in [randn(g, [4, 3])] }
            f: { polynomialFeatures($0[0], degree: 3) },
        plain("polynomialFeatures", "[5,2] degree 2 without bias") { g in [randn(g, [5, 2])] }
            f: { polynomialFeatures($0[0], degree: 2, includeBias: false) },
        strided("polynomialFeatures", "x.T [3,4] degree 2", [0]) { g in [randn(g, [4, 3]).T] }
            f: { polynomialFeatures($0[0], degree: 2) },
    ])
}
