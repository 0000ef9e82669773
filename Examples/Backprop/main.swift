// Backpropagation by hand and by autograd, on the two-neuron network of the lecture:
//
//   x ──(w1, b1)──▶ z1 = w1·x + b1 ──σ──▶ h ──(w2, b2)──▶ z2 = w2·h + b2 ──σ──▶ ŷ ──▶ e = ŷ − y ──▶ L = ½e²
//
// It runs the forward pass, lets autograd compute every gradient, checks each against the chain
// rule written out, and draws the computational graph with its numbers (forward values in green,
// gradients in red) as backprop.dot, and as backprop.svg when Graphviz's `dot` is installed.
//
//   swift run -c release Backprop [output-directory]   (default: backprop)
import Apus
import Foundation

let directory = CommandLine.arguments.dropFirst().first ?? "backprop"
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)

func scalar(_ v: Double) -> Tensor { Tensor(scalar: v, dtype: .float64).requiringGrad() }
let x = scalar(0.5), w1 = scalar(0.8), b1 = scalar(0.1), w2 = scalar(-0.4), b2 = scalar(0.3)
let y = Tensor(scalar: 1, dtype: .float64)  // the target: a constant, not part of the graph

// Forward, recorded so that the drawing shows every intermediate gradient.
let trace = GraphTrace()
let (w1x, z1, h, w2h, z2, yHat, error, halfError, loss) = trace.record {
    let w1x = w1 * x
    let z1 = w1x + b1
    let h = sigmoid(z1)
    let w2h = w2 * h
    let z2 = w2h + b2
    let yHat = sigmoid(z2)
    let error = yHat - y
    let halfError = 0.5 * error
    let loss = halfError * error
    return (w1x, z1, h, w2h, z2, yHat, error, halfError, loss)
}
loss.backward()

func show(_ t: Tensor) -> String { String(format: "%9.6f", t.item()) }
print("forward")
for (name, t) in [("z1 = w1·x + b1", z1), ("h  = σ(z1)", h), ("z2 = w2·h + b2", z2), ("ŷ  = σ(z2)", yHat), ("e  = ŷ − y", error), ("L  = ½e²", loss)] {
    print("  \(name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(show(t))")
}

// The chain rule by hand: each local derivative times the gradient that arrives from the right.
let (hv, yv) = (h.item(), yHat.item())
let dYHat = yv - 1                       // ∂L/∂ŷ = ∂L/∂e = e = ŷ − y
let dZ2 = dYHat * yv * (1 - yv)           // σ′(z2) = ŷ(1 − ŷ)
let dW2 = dZ2 * hv, dB2 = dZ2, dH = dZ2 * w2.item()
let dZ1 = dH * hv * (1 - hv)              // σ′(z1) = h(1 − h)
let dW1 = dZ1 * x.item(), dB1 = dZ1, dX = dZ1 * w1.item()

print("backward (autograd | chain rule by hand)")
var worst = 0.0
for (name, t, byHand) in [("∂L/∂ŷ", yHat, dYHat), ("∂L/∂z2", z2, dZ2), ("∂L/∂w2", w2, dW2), ("∂L/∂b2", b2, dB2),
                          ("∂L/∂h", h, dH), ("∂L/∂z1", z1, dZ1), ("∂L/∂w1", w1, dW1), ("∂L/∂b1", b1, dB1), ("∂L/∂x", x, dX)] {
    let g = t.grad!.item()
    worst = max(worst, abs(g - byHand))
    print("  \(name.padding(toLength: 7, withPad: " ", startingAt: 0)) \(String(format: "%10.6f | %10.6f", g, byHand))")
}
print(String(format: "largest difference between autograd and the chain rule: %.1e", worst))

// The picture: leaves on the left, the loss on the right, each node with its value and gradient.
// Named tensors show their values; the trace adds every intermediate gradient.
let dot = graph(of: loss, names: ["x": x, "w1": w1, "b1": b1, "w2": w2, "b2": b2, "w1·x": w1x, "w2·h": w2h,
                                  "z1": z1, "h": h, "z2": z2, "ŷ": yHat, "e": error, "½e": halfError, "L": loss],
                trace: trace)
try writeGraph(dot, to: "\(directory)/backprop.dot")
if Graphviz.isAvailable {
    try writeGraph(dot, to: "\(directory)/backprop.svg")
    print("graph written to \(directory)/backprop.dot and \(directory)/backprop.svg")
} else {
    print("graph written to \(directory)/backprop.dot (install Graphviz, apt-get install graphviz, for the SVG)")
}
