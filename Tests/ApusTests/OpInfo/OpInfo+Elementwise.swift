// Elementwise math: the op table's entries (cases in Scripts/opinfo/elementwise.py).

@testable import Apus

extension OpInfoTable {
    static let elementwise: [OpInfo] = [
        .unary("sin") { sin($0) },
        .unary("cos") { cos($0) },
    ]
}
