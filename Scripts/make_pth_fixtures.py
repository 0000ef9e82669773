#!/usr/bin/env python3
"""Writes the PyTorch checkpoint fixtures of Tests/ApusTests/Fixtures/pth/ (needs torch).

    python3 Scripts/make_pth_fixtures.py [OUT_DIR]

Valid files, written by torch.save (their tensors, flattened names and values go to
expected.json, every value as a string: Python's repr for floats, so that inf, nan and -0.0 survive):

- views.pth      views sharing one storage: a storage offset, a transposed (non-contiguous) view,
                 a strided slice, a 0-d element, an empty tensor
- dtypes.pth     float32, float64, float16, bfloat16, int64, int32, int16, int8, uint8, bool, with
                 extreme values, and non-contiguous int8 and float16 views
- protocol4.pth  views.pth's tensors pickled with protocol 4 (FRAME, MEMOIZE, SHORT_BINUNICODE,
                 STACK_GLOBAL) and dtypes.pth's with protocol 5
- parameters.pth nn.Parameter values (_rebuild_parameter, and _rebuild_parameter_with_state for a
                 parameter carrying an attribute)
- nested.pth     a training checkpoint: {"model": state_dict, "epoch": 3, "optimizer": {...}}
- module.pth     the state_dict of a small conv + batch-norm + linear module after three training
                 batches (num_batches_tracked = 3), with an input and its eval-mode output
- bigendian.pth  views.pth re-packed with byteorder "big" (every storage byte-swapped)
- zip64.pth      views.pth's entries in an archive with ZIP64 records everywhere (central
                 directory extra fields, ZIP64 end record and locator), as large checkpoints have

Hostile files, built by hand (never executed; the script only writes bytes):

- os_system.pth       a pickle whose GLOBAL is os.system (protocol 2)
- posix_system.pth    STACK_GLOBAL posix.system (protocol 4)
- builtins_eval.pth   a state dict whose tensor is replaced by a builtins.eval call
- truncated.pth       the first half of views.pth
- compressed.pth      views.pth's entries deflated
- bad_crc.pth         views.pth with one data byte changed
- short_storage.pth   a tensor of 10 elements on a storage of 4
- overflow_shape.pth  a shape whose element count overflows 64 bits
- huge_storage.pth    a storage claiming 2^60 elements
- huge_expand.pth     a 2^60-element view of a one-element storage (stride 0)
- deep_nesting.pth    5,000 nested lists (the tests build 100,000 in memory)
- legacy.pth          the pre-1.6 format (torch.save with _use_new_zipfile_serialization=False)
"""
import collections
import io
import json
import math
import os
import struct
import sys
import zipfile
import zlib

import torch

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "Tests", "ApusTests", "Fixtures", "pth")
os.makedirs(OUT, exist_ok=True)

APUS_DTYPE = {
    torch.float32: "float32", torch.float16: "float32", torch.bfloat16: "float32", torch.float64: "float64",
    torch.int64: "int64", torch.int32: "int64", torch.int16: "int64", torch.int8: "int64", torch.uint8: "int64",
    torch.bool: "bool",
}


def as_strings(t):
    if t.dtype == torch.bool:
        return ["true" if v else "false" for v in t.flatten().tolist()]
    if t.dtype.is_floating_point:
        return [repr(float(v)) for v in t.to(torch.float64).flatten().tolist()]
    return [str(int(v)) for v in t.flatten().tolist()]


def expectation(tensors, other_entries=(), model_state_key=None):
    return {
        "tensors": [{"name": n, "dtype": APUS_DTYPE[t.dtype], "shape": list(t.shape), "values": as_strings(t)} for n, t in tensors],
        "other_entries": list(other_entries),
        "model_state_key": model_state_key,
    }


def path(name):
    return os.path.join(OUT, name)


expected = {}
torch.manual_seed(0)

# --- views sharing one storage
base = torch.arange(24, dtype=torch.float32) * 0.5 - 3
views = collections.OrderedDict()
views["whole"] = base.view(4, 6)
views["offset"] = base[5:11]
views["transposed"] = base.view(4, 6).t()
views["strided"] = base.view(4, 6)[::2, 1::2]
views["element"] = base[7]
views["empty"] = torch.zeros(0, 3)
assert views["transposed"].untyped_storage().data_ptr() == base.untyped_storage().data_ptr()
torch.save(views, path("views.pth"))
expected["views.pth"] = expectation(views.items())

# --- every dtype
dtypes = collections.OrderedDict()
dtypes["f32"] = torch.tensor([0.1, -2.5, 3.4e38, 1e-45, math.inf, -math.inf, math.nan, -0.0], dtype=torch.float32)
dtypes["f64"] = torch.tensor([math.pi, -1e-300, 1e300, 5e-324], dtype=torch.float64)
dtypes["f16"] = torch.tensor([1.5, -2.0, 65504, 6e-8, math.inf, math.nan, -0.0], dtype=torch.float16)
dtypes["bf16"] = torch.tensor([1.0, -3.140625, 3e38, 1e-40, -math.inf], dtype=torch.bfloat16)
dtypes["i64"] = torch.tensor([-2**63, 2**63 - 1, 0, 9007199254740993], dtype=torch.int64)
dtypes["i32"] = torch.tensor([-2**31, 2**31 - 1, 7], dtype=torch.int32)
dtypes["i16"] = torch.tensor([-32768, 32767, -2], dtype=torch.int16)
dtypes["i8"] = torch.tensor([-128, 127, -1], dtype=torch.int8)
dtypes["u8"] = torch.tensor([0, 255, 128], dtype=torch.uint8)
dtypes["bool"] = torch.tensor([True, False, True])
dtypes["i8_transposed"] = torch.arange(-6, 6, dtype=torch.int8).view(3, 4).t()
dtypes["f16_transposed"] = (torch.arange(6, dtype=torch.float16) / 4).view(2, 3).t()
torch.save(dtypes, path("dtypes.pth"))
expected["dtypes.pth"] = expectation(dtypes.items())

# --- other pickle protocols
torch.save(views, path("protocol4.pth"), pickle_protocol=4)
expected["protocol4.pth"] = expectation(views.items())
torch.save(dtypes, path("protocol5.pth"), pickle_protocol=5)
expected["protocol5.pth"] = expectation(dtypes.items())

# --- nn.Parameter values
plain = torch.nn.Parameter(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
tagged = torch.nn.Parameter(torch.tensor([0.25, -0.75]))
tagged.note = "with state"  # an attribute makes torch pickle it with _rebuild_parameter_with_state
torch.save({"plain": plain, "tagged": tagged}, path("parameters.pth"))
expected["parameters.pth"] = expectation([("plain", plain.detach()), ("tagged", tagged.detach())])


# --- a small module with batch norm, trained for three batches
class Small(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 2, 3, padding=1)
        self.bn = torch.nn.BatchNorm2d(2)
        self.fc = torch.nn.Linear(2 * 4 * 4, 3)

    def forward(self, x):
        return self.fc(torch.relu(self.bn(self.conv(x))).flatten(1))


small = Small()
optimizer = torch.optim.SGD(small.parameters(), lr=0.1)
for _ in range(3):
    optimizer.zero_grad()
    small(torch.randn(5, 1, 4, 4)).square().mean().backward()
    optimizer.step()
small.eval()
x = torch.randn(2, 1, 4, 4)
with torch.no_grad():
    y = small(x)
state = small.state_dict()
assert int(state["bn.num_batches_tracked"]) == 3
torch.save(state, path("module.pth"))
expected["module.pth"] = expectation(state.items())
expected["module.pth"]["input"] = {"shape": list(x.shape), "values": as_strings(x)}
expected["module.pth"]["output"] = {"shape": list(y.shape), "values": as_strings(y)}

# --- a training checkpoint with nested dicts and non-tensor values
checkpoint = {
    "model": state,
    "epoch": 3,
    "optimizer": {"state": {0: {"momentum_buffer": torch.tensor([0.5, -0.5])}}, "param_groups": [{"lr": 0.1, "params": [0]}]},
}
torch.save(checkpoint, path("nested.pth"))
expected["nested.pth"] = expectation(
    [("model." + k, v) for k, v in state.items()] + [("optimizer.state.0.momentum_buffer", checkpoint["optimizer"]["state"][0]["momentum_buffer"])],
    other_entries=["epoch", "optimizer.param_groups.0.lr", "optimizer.param_groups.0.params.0"],
    model_state_key="model",
)

# --- byte order "big": the same archive with every storage byte-swapped
with zipfile.ZipFile(path("views.pth")) as z:
    views_entries = [(info.filename, z.read(info.filename)) for info in z.infolist()]


def write_zip(name, entries, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path(name), "w", compression=compression) as z:
        for entry, data in entries:
            z.writestr(entry, data)


def swapped(data, size):
    return b"".join(data[i:i + size][::-1] for i in range(0, len(data), size))


big = []
for entry, data in views_entries:
    if entry.endswith("/byteorder"):
        data = b"big"
    elif "/data/" in entry and not entry.endswith("serialization_id"):
        data = swapped(data, 4)  # every storage of views.pth holds float32
    big.append((entry.replace("views/", "bigendian/"), data))
write_zip("bigendian.pth", big)
expected["bigendian.pth"] = expectation(views.items())


# --- ZIP64 records everywhere
def write_zip64(name, entries):
    """A stored archive whose central directory uses ZIP64 extra fields for sizes and offsets,
    ended by a ZIP64 end record, a ZIP64 locator and an end record of saturated fields."""
    out = bytearray()
    central = bytearray()
    for entry, data in entries:
        encoded = entry.encode()
        crc = zlib.crc32(data)
        offset = len(out)
        local_extra = struct.pack("<HHQQ", 1, 16, len(data), len(data))
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 0, 0, 0, crc, 0xFFFFFFFF, 0xFFFFFFFF, len(encoded), len(local_extra))
        out += encoded + local_extra + data
        extra = struct.pack("<HHQQQ", 1, 24, len(data), len(data), offset)
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 0, 0, 0, crc, 0xFFFFFFFF, 0xFFFFFFFF,
                               len(encoded), len(extra), 0, 0, 0, 0, 0xFFFFFFFF)
        central += encoded + extra
    directory_offset = len(out)
    out += central
    record = len(out)
    out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, len(entries), len(entries), len(central), directory_offset)
    out += struct.pack("<IIQI", 0x07064B50, 0, record, 1)
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    with open(path(name), "wb") as f:
        f.write(out)


write_zip64("zip64.pth", [(e.replace("views/", "zip64/"), d) for e, d in views_entries])
with zipfile.ZipFile(path("zip64.pth")) as z:  # Python's zipfile reads it back
    assert z.read("zip64/data.pkl") == dict(views_entries)["views/data.pkl"]
for name in ["zip64.pth", "bigendian.pth"]:  # and so does torch.load
    loaded = torch.load(path(name), weights_only=True)
    assert all(torch.equal(loaded[k], v) for k, v in views.items()), name
expected["zip64.pth"] = expectation(views.items())


# --- hand-built pickles for hostile files (bytes only; nothing here is unpickled)
def p_int(n):
    if 0 <= n < 256:
        return b"K" + bytes([n])
    if 0 <= n < 65536:
        return b"M" + struct.pack("<H", n)
    if -2**31 <= n < 2**31:
        return b"J" + struct.pack("<i", n)
    raw = n.to_bytes((n.bit_length() + 8) // 8, "little", signed=True)
    return b"\x8a" + bytes([len(raw)]) + raw


def p_str(s):
    raw = s.encode()
    return b"X" + struct.pack("<I", len(raw)) + raw


def p_tuple(items):
    return b"(" + b"".join(items) + b"t"


def p_tensor(storage, key, numel, offset, size, stride):
    return (b"ctorch._utils\n_rebuild_tensor_v2\n"
            + b"(" + p_tuple([p_str("storage"), b"ctorch\n" + storage.encode() + b"\n", p_str(key), p_str("cpu"), p_int(numel)]) + b"Q"
            + p_int(offset) + p_tuple([p_int(n) for n in size]) + p_tuple([p_int(n) for n in stride])
            + b"\x89" + b"ccollections\nOrderedDict\n)R" + b"tR")


def p_state_dict(entries):
    return b"\x80\x02ccollections\nOrderedDict\n)R(" + b"".join(p_str(name) + value for name, value in entries) + b"u."


def write_archive(name, pickle, storages):
    folder = name[:-4]
    write_zip(name, [(f"{folder}/data.pkl", pickle), (f"{folder}/byteorder", b"little")]
              + [(f"{folder}/data/{k}", v) for k, v in storages.items()] + [(f"{folder}/version", b"3\n")])


# The hand-built encoding is what torch writes: a valid one loads in torch.
write_archive("handmade.pth", p_state_dict([("w", p_tensor("FloatStorage", "0", 4, 1, [3], [1]))]),
              {"0": struct.pack("<4f", 1, 2, 3, 4)})
assert torch.equal(torch.load(path("handmade.pth"), weights_only=True)["w"], torch.tensor([2.0, 3.0, 4.0]))
os.remove(path("handmade.pth"))

write_archive("os_system.pth", b"\x80\x02cos\nsystem\nq\x00X\x04\x00\x00\x00echoq\x01\x85q\x02Rq\x03.", {})
write_archive("posix_system.pth", b"\x80\x04\x95\x1f\x00\x00\x00\x00\x00\x00\x00\x8c\x05posix\x94\x8c\x06system\x94\x93\x94\x8c\x04echo\x94\x85\x94R\x94.", {})
write_archive("builtins_eval.pth", p_state_dict([("w", b"cbuiltins\neval\n" + p_tuple([p_str("1+1")]) + b"R")]), {})
with open(path("views.pth"), "rb") as f:
    views_bytes = f.read()
with open(path("truncated.pth"), "wb") as f:
    f.write(views_bytes[: len(views_bytes) // 2])
write_zip("compressed.pth", [(e.replace("views/", "compressed/"), d) for e, d in views_entries], zipfile.ZIP_DEFLATED)
bad = bytearray(views_bytes)
with zipfile.ZipFile(path("views.pth")) as z:
    info = z.getinfo("views/data/0")
    start = info.header_offset + 30 + len(info.filename.encode()) + struct.unpack("<H", views_bytes[info.header_offset + 28:info.header_offset + 30])[0]
bad[start + 5] ^= 0x40
with open(path("bad_crc.pth"), "wb") as f:
    f.write(bad)
write_archive("short_storage.pth", p_state_dict([("w", p_tensor("FloatStorage", "0", 4, 0, [10], [1]))]), {"0": bytes(16)})
write_archive("overflow_shape.pth", p_state_dict([("w", p_tensor("FloatStorage", "0", 4, 0, [2**40, 2**40], [1, 1]))]), {"0": bytes(16)})
write_archive("huge_storage.pth", p_state_dict([("w", p_tensor("FloatStorage", "0", 2**60, 0, [4], [1]))]), {"0": bytes(16)})
write_archive("huge_expand.pth", p_state_dict([("w", p_tensor("FloatStorage", "0", 1, 0, [2**60], [0]))]), {"0": bytes(4)})
write_archive("deep_nesting.pth", b"\x80\x02" + b"]" * 5_000 + b"a" * 4_999 + b".", {})
torch.save(views, path("legacy.pth"), _use_new_zipfile_serialization=False)

with open(path("expected.json"), "w") as f:
    json.dump(expected, f, indent=1, sort_keys=True)
    f.write("\n")
sizes = {name: os.path.getsize(path(name)) for name in sorted(os.listdir(OUT))}
print(f"wrote {len(sizes)} files to {OUT}: {sum(sizes.values())} bytes in all, largest {max(sizes.values())}")
