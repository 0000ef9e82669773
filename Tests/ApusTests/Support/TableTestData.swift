import Apus
import Foundation

/// A CSV file in a fresh temporary folder (removed with `removeTableFolder`), with `text` as its contents.
func writeTemporaryCSV(_ text: String, name: String = "table.csv") throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("apus-table-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let path = folder + "/" + name
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// Removes the folder `writeTemporaryCSV` made for `path`.
func removeTableFolder(_ path: String) {
    try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path)
}

/// House prices that depend linearly on the features, as Scripts/make_houses_csv.py writes them:
/// `price = 50 + 2.5·area + 12·rooms − 0.8·age − 4·distance + 30·garden + N(0, 15²)` (R² ≈ 0.98).
func housesCSV(rows: Int = 1000, seed: UInt64 = 0) -> String {
    let g = RandomGenerator(seed: seed)
    var lines = ["area,rooms,age,distance,garden,price"]
    for _ in 0..<rows {
        let u = g.uniforms(3)
        let (area, age, distance) = (30 + 220 * u[0], 80 * u[1], 0.5 + 29.5 * u[2])
        let rooms = 1 + g.integer(below: 7), garden = g.integer(below: 2)
        let price = 50 + 2.5 * area + 12 * Double(rooms) - 0.8 * age - 4 * distance + 30 * Double(garden) + 15 * g.normals(1)[0]
        lines.append(String(format: "%.1f,%d,%.1f,%.2f,%d,%.2f", area, rooms, age, distance, garden, price))
    }
    return lines.joined(separator: "\n") + "\n"
}

/// Three kinds of iris-like flowers by two measurements, labelled by name: `length,width,species`.
func flowersCSV(rows: Int = 300, seed: UInt64 = 0) -> String {
    let g = RandomGenerator(seed: seed)
    let species = [("setosa", 1.5, 0.3), ("versicolor", 4.3, 1.3), ("virginica", 5.6, 2.0)]
    var lines = ["length,width,species"]
    for i in 0..<rows {
        let (name, length, width) = species[i % 3]
        let n = g.normals(2)
        lines.append(String(format: "%.2f,%.2f,%@", length + 0.3 * n[0], width + 0.15 * n[1], name))
    }
    return lines.joined(separator: "\n") + "\n"
}
