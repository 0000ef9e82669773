import Foundation

/// Forms computed from a storage's contents and kept with it: a convolution's weight packed into
/// the GEMM tile's panels (or Winograd-transformed), which inference would otherwise rebuild on
/// every call (a tenth of AlexNet's convolution time on one image).
///
/// A storage is only ever written in place by the tensor that holds its one reference, through
/// `Tensor.makeStorageUnique()`, which drops its forms; a form can therefore never be stale. Forms
/// die with their storage.
enum DerivedForms {
    /// What a form is: the producer's name and every number its layout depends on (offset of the
    /// tensor in the storage, shapes, block sizes).
    struct Key: Hashable {
        let kind: String
        let parameters: [Int]
    }

    /// One lock for every storage's forms: they are looked up once per layer call.
    static let lock = NSLock()

    /// The form `key` of `storage`, built by `make` (which fills all `count` floats of a new
    /// buffer) on first use. Two threads that miss at once both build it; the first one kept wins.
    static func form(of storage: Storage, _ key: Key, count: Int,
                     make: (UnsafeMutablePointer<Float>) -> Void) -> UnsafePointer<Float> {
        lock.lock()
        let found = storage.derived?[key]
        lock.unlock()
        if let found { return UnsafePointer(found.pointer(Float.self)) }
        let built = Storage(dtype: .float32, count: count, zeroed: false)
        make(built.pointer(Float.self))
        lock.lock()
        defer { lock.unlock() }
        if let raced = storage.derived?[key] { return UnsafePointer(raced.pointer(Float.self)) }
        var forms = storage.derived ?? [:]
        forms[key] = built
        storage.derived = forms
        return UnsafePointer(built.pointer(Float.self))
    }
}
