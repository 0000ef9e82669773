import Apus
import FuzzSupport
import Foundation

// PyTorch `.pth` checkpoints: the bounded zip reader, the restricted unpickler and the tensor
// rebuilding behind TorchCheckpoint.read, on bytes in memory.
exit(fuzz { bytes in
    _ = try? TorchCheckpoint.decode(bytes: bytes, path: "fuzz.pth")
})
