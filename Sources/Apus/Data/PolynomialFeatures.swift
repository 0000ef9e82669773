/// Polynomial features of degree ≤ `degree` of each row, in scikit-learn's `PolynomialFeatures` order.
///
/// For `x` of shape `[N, F]` the output has shape `[N, C]` with one column per monomial
/// x_{i₁}·x_{i₂}·…·x_{i_k}, i₁ ≤ i₂ ≤ … ≤ i_k, for k = 0 (the bias column of ones, only when
/// `includeBias`), 1, …, `degree`; within a degree the index tuples are in lexicographic order
/// (Python's `itertools.combinations_with_replacement`). For F = 2, degree 2:
/// `[1, x₀, x₁, x₀², x₀x₁, x₁²]`; for F = 3, degree 2:
/// `[1, x₀, x₁, x₂, x₀², x₀x₁, x₀x₂, x₁², x₁x₂, x₂²]`. C = binom(F + degree, degree), minus 1
/// without the bias. ``polynomialFeatureNames(_:degree:includeBias:)`` names the columns.
///
/// With the squares as features a linear model draws curved boundaries: logistic regression on
/// degree-2 features of (x₁, x₂) separates the points inside a circle from those outside, which
/// is impossible on (x₁, x₂) alone. Composed of differentiable ops (gradients flow to `x`).
public func polynomialFeatures(_ x: Tensor, degree: Int = 2, includeBias: Bool = true) -> Tensor {
    require(x.rank == 2, "polynomialFeatures: expected features of shape [N, F], got \(x.shape)")
    require(degree >= 0, "polynomialFeatures: degree must be non-negative, got \(degree)")
    require(x.dtype.isFloatingPoint, "polynomialFeatures: features must be floating point, got \(x.dtype)")
    let terms = monomials(features: x.shape[1], degree: degree, includeBias: includeBias)
    require(!terms.isEmpty, "polynomialFeatures: degree 0 without the bias leaves no feature")
    let columns = (0..<x.shape[1]).map { x.select(axis: 1, index: $0) }
    // Each monomial is its prefix (one factor fewer, computed before it) times one column.
    var products: [[Int]: Tensor] = [:]
    let out = terms.map { term -> Tensor in
        let value: Tensor
        switch term.count {
        case 0: value = Tensor.ones([x.shape[0]], dtype: x.dtype)
        case 1: value = columns[term[0]]
        default: value = products[Array(term.dropLast())]! * columns[term.last!]
        }
        products[term] = value
        return value
    }
    return stack(out, axis: 1)
}

/// The names of the columns of ``polynomialFeatures(_:degree:includeBias:)``, as scikit-learn's
/// `get_feature_names_out`: `"1"`, `"x0"`, `"x0^2"`, `"x0 x1"`, … for input names `["x0", "x1"]`.
public func polynomialFeatureNames(_ names: [String], degree: Int = 2, includeBias: Bool = true) -> [String] {
    require(degree >= 0, "polynomialFeatureNames: degree must be non-negative, got \(degree)")
    return monomials(features: names.count, degree: degree, includeBias: includeBias).map { term in
        if term.isEmpty { return "1" }
        var parts: [String] = []
        var i = 0
        while i < term.count {
            var j = i
            while j < term.count && term[j] == term[i] { j += 1 }
            parts.append(j - i == 1 ? names[term[i]] : "\(names[term[i]])^\(j - i)")
            i = j
        }
        return parts.joined(separator: " ")
    }
}

/// Non-decreasing index tuples of length 0 (if `includeBias`) … `degree` over `0..<features`,
/// by length, then lexicographically.
func monomials(features: Int, degree: Int, includeBias: Bool) -> [[Int]] {
    var all: [[Int]] = includeBias ? [[]] : []
    var current: [[Int]] = [[]]
    for _ in 0..<degree {
        current = current.flatMap { t in ((t.last ?? 0)..<features).map { t + [$0] } }
        all += current
    }
    return all
}

