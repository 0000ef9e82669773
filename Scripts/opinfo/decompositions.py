"""Decompositions and solvers (torch.linalg): det, slogdet, inv, solve, lstsq, cholesky, qr, eigh,
eigvalsh, svd, svdvals, pinv, matrix_rank, solve_triangular, cholesky_solve.

Eigenvectors and singular vectors are defined up to sign: the cases compare them sign-normalised
(each column times the sign of its largest-magnitude entry, the first on ties; the Swift entries do
the same), and the extra columns of SVD's full forms, a basis defined only as a space, through
their projector. Gradchecked inputs of ops that read one triangle go through a wrapper that makes
the read part depend on every element (A + Aᵀ for symmetric inputs, a triangular mask for
factors), as PyTorch's own OpInfo does.
"""
import torch

SEED = 5170301

F32, F64 = torch.float32, torch.float64


def signfix(v):
    """v with each column times the sign of its largest-magnitude entry, and those signs [..., 1, k]."""
    if v.shape[-2] == 0 or v.shape[-1] == 0:
        return v, torch.ones(*v.shape[:-2], 1, v.shape[-1], dtype=v.dtype)
    idx = v.detach().abs().argmax(dim=-2, keepdim=True)
    s = torch.sign(torch.gather(v.detach(), -2, idx))
    s = torch.where(s == 0, torch.ones_like(s), s)
    return v * s, s


def det_fn(a):
    return torch.linalg.det(a)


def slogdet_fn(a):
    return torch.linalg.slogdet(a)


def inv_fn(a):
    return torch.linalg.inv(a)


def solve_fn(a, b, left=True):
    return torch.linalg.solve(a, b, left=left)


def lstsq_fn(a, b):
    return torch.linalg.lstsq(a, b)


def cholesky_fn(a, upper=False, symmetrize=False):
    if symmetrize:
        a = a + a.mT
    return torch.linalg.cholesky(a, upper=upper)


def qr_fn(a, mode="reduced"):
    return torch.linalg.qr(a, mode=mode)


def eigh_fn(a, uplo="L", symmetrize=False):
    if symmetrize:
        a = a + a.mT
    values, vectors = torch.linalg.eigh(a, UPLO=uplo)
    return values, signfix(vectors)[0]


def eigvalsh_fn(a, uplo="L", symmetrize=False):
    if symmetrize:
        a = a + a.mT
    return torch.linalg.eigvalsh(a, UPLO=uplo)


def svd_fn(a, full_matrices=True):
    u, s, vh = torch.linalg.svd(a, full_matrices=full_matrices)
    k = s.shape[-1]
    uk, signs = signfix(u[..., :k])
    vhk = vh[..., :k, :] * signs.mT
    if not full_matrices:
        return uk, s, vhk
    u2, v2 = u[..., k:].detach(), vh[..., k:, :].detach()
    return uk, s, vhk, u2 @ u2.mT, v2.mT @ v2


def svdvals_fn(a):
    return torch.linalg.svdvals(a)


def pinv_fn(a, atol=None, rtol=None, hermitian=False):
    return torch.linalg.pinv(a, atol=atol, rtol=rtol, hermitian=hermitian)


def matrix_rank_fn(a, atol=None, rtol=None, hermitian=False):
    return torch.linalg.matrix_rank(a, atol=atol, rtol=rtol, hermitian=hermitian)


def solve_triangular_fn(a, b, upper, left=True, unitriangular=False):
    return torch.linalg.solve_triangular(a, b, upper=upper, left=left, unitriangular=unitriangular)


def cholesky_solve_fn(b, l, upper=False, masked=False):
    if masked:
        n = l.shape[-1]
        mask = torch.ones(n, n, dtype=l.dtype)
        l = l * (mask.triu() if upper else mask.tril())
    return torch.cholesky_solve(b, l, upper=upper)


def build(rec):
    eye = lambda n, dtype=F64: torch.eye(n, dtype=dtype)

    def square(*shape, dtype=F64, shift=0.0):
        """Random matrices, well conditioned when `shift` moves them away from singular."""
        x = rec.randn(*shape)
        if shift:
            x = x + shift * torch.eye(shape[-1], dtype=F64)
        return x.to(dtype)

    def spd(*shape, dtype=F64):
        """Random symmetric positive-definite matrices (X·Xᵀ + n·I)."""
        n = shape[-1]
        x = rec.randn(*shape)
        return (x @ x.mT + n * torch.eye(n, dtype=F64)).to(dtype)

    def symmetric(*shape, dtype=F64):
        x = rec.randn(*shape)
        return ((x + x.mT) / 2).to(dtype)

    # ---------------------------------------------------------------- det
    rec.case("det", det_fn, [square(3, 3)])
    rec.case("det", det_fn, [square(2, 4, 4, dtype=F32, shift=1.0)])
    rec.case("det", det_fn, [square(5, 5, shift=2.0)], gradcheck=False, name="det float64[5, 5]")
    rec.case("det", det_fn, [torch.tensor([[1.0, 2.0], [2.0, 4.0]], dtype=F64)], gradcheck=False, name="det singular")
    rec.case("det", det_fn, [torch.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 3.0]], dtype=F64)],
             name="det permutation (negative)")
    rec.case("det", det_fn, [torch.zeros(0, 0, dtype=F64)], gradcheck=False, name="det 0x0")
    rec.case("det", det_fn, [torch.zeros(2, 0, 0, dtype=F64)], gradcheck=False, name="det batch of 0x0")
    rec.case("det", det_fn, [torch.zeros(0, 3, 3, dtype=F64)], gradcheck=False, name="det empty batch")
    rec.case("det", det_fn, [torch.tensor([[-2.5]], dtype=F64)], name="det 1x1")
    rec.case("det", det_fn, [torch.tensor([[float("nan"), 1.0], [1.0, 1.0]], dtype=F64)], grad=[], name="det nan")
    rec.case("det", det_fn, [square(2, 3)], name="det non-square")
    rec.case("det", det_fn, [torch.tensor([[1, 2], [3, 4]])], name="det int64")
    rec.case("det", det_fn, [torch.tensor([1.0, 2.0], dtype=F64)], name="det vector")

    # ---------------------------------------------------------------- slogdet
    rec.case("slogdet", slogdet_fn, [square(3, 3, shift=1.0)])
    rec.case("slogdet", slogdet_fn, [square(2, 3, 3, dtype=F32, shift=1.0)])
    rec.case("slogdet", slogdet_fn, [torch.tensor([[0.0, 2.0], [3.0, 0.0]], dtype=F64)], name="slogdet negative")
    rec.case("slogdet", slogdet_fn, [torch.zeros(2, 2, dtype=F64)], grad=[], name="slogdet singular")
    rec.case("slogdet", slogdet_fn, [torch.zeros(0, 0, dtype=F64)], gradcheck=False, name="slogdet 0x0")

    # ---------------------------------------------------------------- inv
    rec.case("inv", inv_fn, [square(3, 3, shift=2.0)])
    rec.case("inv", inv_fn, [square(2, 2, 2, shift=2.0)], name="inv batched")
    rec.case("inv", inv_fn, [square(4, 4, dtype=F32, shift=3.0)])
    rec.case("inv", inv_fn, [square(6, 6, shift=3.0)], gradcheck=False, name="inv float64[6, 6]")
    rec.case("inv", inv_fn, [torch.tensor([[0.0, 1.0], [1.0, 0.0]], dtype=F64)], name="inv permutation")
    rec.case("inv", inv_fn, [torch.zeros(2, 0, 0, dtype=F64)], gradcheck=False, name="inv 0x0")
    rec.case("inv", inv_fn, [torch.tensor([[4.0]], dtype=F64)], name="inv 1x1")
    rec.case("inv", inv_fn, [torch.tensor([[1.0, 2.0], [2.0, 4.0]], dtype=F64)], name="inv singular")
    rec.case("inv", inv_fn, [torch.stack([eye(2), torch.tensor([[1.0, 1.0], [1.0, 1.0]], dtype=F64)])],
             name="inv singular in batch")
    rec.case("inv", inv_fn, [square(3, 2)], name="inv non-square")
    rec.case("inv", inv_fn, [torch.tensor([[1, 2], [3, 4]])], name="inv int64")

    # ---------------------------------------------------------------- solve
    rec.case("solve", solve_fn, [square(3, 3, shift=2.0), rec.randn(3)], name="solve vector")
    rec.case("solve", solve_fn, [square(3, 3, shift=2.0), rec.randn(3, 2)], name="solve matrix")
    rec.case("solve", solve_fn, [square(2, 1, 3, 3, shift=2.0), rec.randn(2, 3, 1)], broadcast=True,
             name="solve broadcast batch")
    rec.case("solve", solve_fn, [square(2, 3, 3, shift=2.0), rec.randn(2, 3)], name="solve batched vectors")
    rec.case("solve", solve_fn, [square(2, 3, 3, shift=2.0), rec.randn(3)], broadcast=True, name="solve one vector, batched A")
    rec.case("solve", solve_fn, [square(3, 3, shift=2.0), rec.randn(2, 3)], args={"left": False}, name="solve XA = B")
    rec.case("solve", solve_fn, [square(4, 4, dtype=F32, shift=2.0), rec.randn(4, 3, dtype=F32)])
    rec.case("solve", solve_fn, [square(8, 8, shift=3.0), rec.randn(8, 5)], gradcheck=False, name="solve float64[8, 8] float64[8, 5]")
    rec.case("solve", solve_fn, [torch.zeros(0, 0, dtype=F64), torch.zeros(0, 2, dtype=F64)], gradcheck=False, name="solve 0x0")
    rec.case("solve", solve_fn, [torch.tensor([[1.0, 2.0], [2.0, 4.0]], dtype=F64), torch.ones(2, dtype=F64)],
             name="solve singular")
    rec.case("solve", solve_fn, [square(3, 3), rec.randn(2)], name="solve shape mismatch")
    rec.case("solve", solve_fn, [square(2, 3, 3), rec.randn(4, 1, 3)], name="solve rows mismatch")
    rec.case("solve", solve_fn, [square(2, 2), rec.randn(2, dtype=F32)], name="solve dtype mismatch")
    rec.case("solve", solve_fn, [eye(2), torch.ones(2, dtype=F64)], args={"left": False}, name="solve XA = B vector")
    rec.case("solve", solve_fn, [torch.eye(2, dtype=torch.int64), torch.ones(2, dtype=torch.int64)], name="solve int64")

    # ---------------------------------------------------------------- lstsq
    rec.case("lstsq", lstsq_fn, [rec.randn(5, 3), rec.randn(5, 2)], name="lstsq tall")
    rec.case("lstsq", lstsq_fn, [rec.randn(4, 3), rec.randn(4)], name="lstsq tall vector")
    rec.case("lstsq", lstsq_fn, [square(3, 3, shift=2.0), rec.randn(3, 2)], name="lstsq square")
    rec.case("lstsq", lstsq_fn, [rec.randn(2, 4), rec.randn(2, 2)], name="lstsq wide (minimum norm)")
    rec.case("lstsq", lstsq_fn, [rec.randn(2, 5, 3), rec.randn(1, 5, 2)], broadcast=True, name="lstsq broadcast batch")
    rec.case("lstsq", lstsq_fn, [rec.randn(2, 4, 2), rec.randn(2, 4)], name="lstsq batched vectors")
    rec.case("lstsq", lstsq_fn, [rec.randn(6, 3, dtype=F32), rec.randn(6, 2, dtype=F32)])
    rec.case("lstsq", lstsq_fn, [rec.randn(3, 5, dtype=F32), rec.randn(3, 1, dtype=F32)], name="lstsq wide float32")
    rec.case("lstsq", lstsq_fn, [torch.tensor([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]], dtype=F64),
                                 torch.tensor([1.0, 2.0, 3.0], dtype=F64)], grad=[], name="lstsq rank deficient")
    rec.case("lstsq", lstsq_fn, [torch.zeros(3, 0, dtype=F64), torch.ones(3, 2, dtype=F64)], grad=[], name="lstsq no columns")
    rec.case("lstsq", lstsq_fn, [torch.zeros(0, 2, dtype=F64), torch.ones(0, 2, dtype=F64)], grad=[], name="lstsq no rows")
    rec.case("lstsq", lstsq_fn, [rec.randn(3, 2), rec.randn(2, 2)], name="lstsq rows mismatch")
    rec.case("lstsq", lstsq_fn, [rec.randn(3, 2), rec.randn(4)], name="lstsq vector mismatch")
    rec.case("lstsq", lstsq_fn, [rec.randn(3), rec.randn(3)], name="lstsq vector input")
    rec.case("lstsq", lstsq_fn, [rec.randn(3, 2), rec.randn(3, 2, dtype=F32)], name="lstsq dtype mismatch")
    rec.case("lstsq", lstsq_fn, [rec.randn(2, 3, 2), rec.randn(3, 1, 3, 2)], name="lstsq rank mismatch")

    # ---------------------------------------------------------------- cholesky
    rec.case("cholesky", cholesky_fn, [spd(3, 3)], gradcheck=False, name="cholesky float64[3, 3]")
    rec.case("cholesky", cholesky_fn, [spd(3, 3)], args={"upper": True}, gradcheck=False, name="cholesky upper")
    rec.case("cholesky", cholesky_fn, [spd(2, 4, 4, dtype=F32)])
    rec.case("cholesky", cholesky_fn, [spd(3, 3) / 2 + 0.1 * rec.randn(3, 3)], args={"symmetrize": True},
             name="cholesky of A + Aᵀ")
    rec.case("cholesky", cholesky_fn, [spd(2, 3, 3) / 2 + 0.1 * rec.randn(2, 3, 3)], args={"upper": True, "symmetrize": True},
             name="cholesky upper of A + Aᵀ, batched")
    rec.case("cholesky", cholesky_fn, [torch.tensor([[4.0, 100.0], [2.0, 3.0]], dtype=F64)], grad=[],
             name="cholesky reads the lower triangle")
    rec.case("cholesky", cholesky_fn, [torch.tensor([[4.0, 2.0], [100.0, 3.0]], dtype=F64)], args={"upper": True},
             grad=[], name="cholesky upper reads the upper triangle")
    rec.case("cholesky", cholesky_fn, [torch.tensor([[4.0]], dtype=F64)], name="cholesky 1x1")
    rec.case("cholesky", cholesky_fn, [torch.zeros(2, 0, 0, dtype=F64)], gradcheck=False, name="cholesky 0x0")
    rec.case("cholesky", cholesky_fn, [spd(12, 12)], gradcheck=False, name="cholesky float64[12, 12]")
    rec.case("cholesky", cholesky_fn, [torch.tensor([[1.0, 2.0], [2.0, 1.0]], dtype=F64)], name="cholesky not positive-definite")
    rec.case("cholesky", cholesky_fn, [torch.stack([eye(2), torch.tensor([[1.0, 2.0], [2.0, 1.0]], dtype=F64)])],
             name="cholesky not positive-definite in batch")
    rec.case("cholesky", cholesky_fn, [torch.tensor([[float("nan"), 1.0], [1.0, 1.0]], dtype=F64)], name="cholesky nan")
    rec.case("cholesky", cholesky_fn, [rec.randn(2, 3)], name="cholesky non-square")

    # ---------------------------------------------------------------- qr
    rec.case("qr", qr_fn, [rec.randn(4, 3)], name="qr tall")
    rec.case("qr", qr_fn, [rec.randn(3, 3)], name="qr square")
    rec.case("qr", qr_fn, [rec.randn(2, 4)], name="qr wide")
    rec.case("qr", qr_fn, [rec.randn(2, 4)], args={"mode": "complete"}, name="qr complete wide")
    rec.case("qr", qr_fn, [rec.randn(5, 3)], args={"mode": "complete"}, grad=[], name="qr complete tall")
    rec.case("qr", qr_fn, [rec.randn(4, 3)], args={"mode": "r"}, grad=[], name="qr mode r")
    rec.case("qr", qr_fn, [rec.randn(2, 3, 2)], name="qr batched")
    rec.case("qr", qr_fn, [rec.randn(5, 4, dtype=F32)])
    rec.case("qr", qr_fn, [rec.randn(3, 6, dtype=F32)], args={"mode": "complete"})
    rec.case("qr", qr_fn, [rec.randn(9, 7)], gradcheck=False, name="qr float64[9, 7]")
    rec.case("qr", qr_fn, [torch.tensor([[2.0, 1.0], [0.0, -3.0]], dtype=F64)], grad=[], name="qr upper triangular input")
    rec.case("qr", qr_fn, [torch.tensor([[0.0, 1.0], [0.0, 2.0]], dtype=F64)], grad=[], name="qr zero column")
    rec.case("qr", qr_fn, [torch.tensor([[-3.0]], dtype=F64)], name="qr 1x1")
    rec.case("qr", qr_fn, [torch.zeros(3, 0, dtype=F64)], args={"mode": "complete"}, grad=[], name="qr 3x0 complete")
    rec.case("qr", qr_fn, [torch.zeros(0, 3, dtype=F64)], grad=[], name="qr 0x3")
    rec.case("qr", qr_fn, [rec.randn(3)], name="qr vector")

    # ---------------------------------------------------------------- eigh
    rec.case("eigh", eigh_fn, [symmetric(4, 4)], gradcheck=False, name="eigh float64[4, 4]")
    rec.case("eigh", eigh_fn, [rec.randn(3, 3)], args={"symmetrize": True}, name="eigh of A + Aᵀ")
    rec.case("eigh", eigh_fn, [rec.randn(2, 3, 3)], args={"symmetrize": True, "uplo": "U"}, name="eigh upper of A + Aᵀ, batched")
    rec.case("eigh", eigh_fn, [rec.randn(4, 4)], grad=[], name="eigh reads the lower triangle")
    rec.case("eigh", eigh_fn, [rec.randn(4, 4)], args={"uplo": "U"}, grad=[], name="eigh reads the upper triangle")
    rec.case("eigh", eigh_fn, [symmetric(2, 4, 4, dtype=F32)])
    rec.case("eigh", eigh_fn, [symmetric(10, 10)], gradcheck=False, name="eigh float64[10, 10]")
    rec.case("eigh", eigh_fn, [torch.tensor([[-3.0]], dtype=F64)], name="eigh 1x1")
    rec.case("eigh", eigh_fn, [torch.zeros(0, 3, 3, dtype=F64)], gradcheck=False, name="eigh empty batch")
    rec.case("eigh", eigh_fn, [torch.zeros(0, 0, dtype=F64)], gradcheck=False, name="eigh 0x0")
    rec.case("eigh", eigh_fn, [torch.diag(torch.tensor([3.0, -1.0, 2.0], dtype=F64))], grad=[], name="eigh diagonal")
    rec.case("eigh", eigh_fn, [rec.randn(2, 3)], name="eigh non-square")

    # ---------------------------------------------------------------- eigvalsh
    rec.case("eigvalsh", eigvalsh_fn, [rec.randn(3, 3)], args={"symmetrize": True}, name="eigvalsh of A + Aᵀ")
    rec.case("eigvalsh", eigvalsh_fn, [symmetric(3, 5, 5, dtype=F32)])
    rec.case("eigvalsh", eigvalsh_fn, [rec.randn(4, 4)], args={"uplo": "U"}, grad=[], name="eigvalsh upper")
    rec.case("eigvalsh", eigvalsh_fn, [eye(3)], grad=[], name="eigvalsh repeated")

    # ---------------------------------------------------------------- svd
    rec.case("svd", svd_fn, [rec.randn(3, 3)], name="svd square")
    rec.case("svd", svd_fn, [rec.randn(4, 3)], args={"full_matrices": False}, name="svd tall reduced")
    rec.case("svd", svd_fn, [rec.randn(2, 4)], args={"full_matrices": False}, name="svd wide reduced")
    rec.case("svd", svd_fn, [rec.randn(5, 3)], gradcheck=False, name="svd tall full")
    rec.case("svd", svd_fn, [rec.randn(3, 5)], gradcheck=False, name="svd wide full")
    rec.case("svd", svd_fn, [rec.randn(2, 3, 2)], args={"full_matrices": False}, name="svd batched")
    rec.case("svd", svd_fn, [rec.randn(4, 4, dtype=F32)])
    rec.case("svd", svd_fn, [rec.randn(6, 4, dtype=F32)], args={"full_matrices": False})
    rec.case("svd", svd_fn, [rec.randn(12, 8)], args={"full_matrices": False}, gradcheck=False, name="svd float64[12, 8]")
    rec.case("svd", svd_fn, [torch.tensor([[-3.0]], dtype=F64)], name="svd 1x1")
    rec.case("svd", svd_fn, [torch.zeros(3, 0, dtype=F64)], grad=[], name="svd 3x0")
    rec.case("svd", svd_fn, [torch.zeros(0, 2, 2, dtype=F64)], grad=[], name="svd empty batch")
    rec.case("svd", svd_fn, [torch.tensor([[float("nan"), 1.0], [1.0, 1.0]], dtype=F64)], name="svd nan")
    rec.case("svd", svd_fn, [rec.randn(3)], name="svd vector")

    # ---------------------------------------------------------------- svdvals
    rec.case("svdvals", svdvals_fn, [rec.randn(3, 4)])
    rec.case("svdvals", svdvals_fn, [rec.randn(2, 5, 3, dtype=F32)])
    rec.case("svdvals", svdvals_fn, [eye(3)], gradcheck=False, name="svdvals repeated")
    rec.case("svdvals", svdvals_fn, [torch.zeros(0, 3, dtype=F64)], grad=[], name="svdvals 0x3")

    # ---------------------------------------------------------------- pinv
    rec.case("pinv", pinv_fn, [rec.randn(4, 3)], name="pinv tall")
    rec.case("pinv", pinv_fn, [rec.randn(2, 4)], name="pinv wide")
    rec.case("pinv", pinv_fn, [rec.randn(2, 3, 3, dtype=F32)])
    rec.case("pinv", pinv_fn, [torch.tensor([[1.0, 2.0], [2.0, 4.0]], dtype=F64)], grad=[], name="pinv rank deficient")
    rec.case("pinv", pinv_fn, [symmetric(3, 3)], args={"hermitian": True}, grad=[], name="pinv hermitian")
    rec.case("pinv", pinv_fn, [torch.diag(torch.tensor([2.0, 1e-3, 1e-9], dtype=F64))], args={"atol": 1e-2}, grad=[],
             name="pinv atol")

    # ---------------------------------------------------------------- matrix_rank
    diag = torch.diag(torch.tensor([1.0, 1e-3, 1e-9], dtype=F64))
    rec.case("matrixRank", matrix_rank_fn, [diag], name="matrixRank default tolerance")
    rec.case("matrixRank", matrix_rank_fn, [diag], args={"atol": 1e-2}, name="matrixRank atol")
    rec.case("matrixRank", matrix_rank_fn, [diag], args={"rtol": 1e-2}, name="matrixRank rtol")
    rec.case("matrixRank", matrix_rank_fn, [torch.tensor([[1.0, 2.0], [2.0, 4.0]], dtype=F32)], name="matrixRank float32")
    rec.case("matrixRank", matrix_rank_fn, [rec.randn(2, 3, 4)], name="matrixRank batched")
    rec.case("matrixRank", matrix_rank_fn, [torch.zeros(2, 3, 0, dtype=F64)], name="matrixRank empty matrices")
    rec.case("matrixRank", matrix_rank_fn, [torch.diag(torch.tensor([2.0, -1.0, 0.0], dtype=F64))], args={"hermitian": True},
             name="matrixRank hermitian")

    # ---------------------------------------------------------------- solve_triangular
    tri = lambda *shape, dtype=F64: square(*shape, dtype=dtype, shift=3.0)
    rec.case("solveTriangular", solve_triangular_fn, [tri(3, 3), rec.randn(3, 2)], args={"upper": True}, name="solveTriangular upper")
    rec.case("solveTriangular", solve_triangular_fn, [tri(3, 3), rec.randn(3, 2)], args={"upper": False}, name="solveTriangular lower")
    rec.case("solveTriangular", solve_triangular_fn, [tri(3, 3), rec.randn(2, 3)], args={"upper": True, "left": False},
             name="solveTriangular upper, XA = B")
    rec.case("solveTriangular", solve_triangular_fn, [tri(3, 3), rec.randn(2, 3)], args={"upper": False, "left": False},
             name="solveTriangular lower, XA = B")
    rec.case("solveTriangular", solve_triangular_fn, [tri(3, 3), rec.randn(3, 2)], args={"upper": False, "unitriangular": True},
             name="solveTriangular lower unit diagonal")
    rec.case("solveTriangular", solve_triangular_fn, [tri(3, 3), rec.randn(2, 3)],
             args={"upper": True, "left": False, "unitriangular": True}, name="solveTriangular upper unit diagonal, XA = B")
    rec.case("solveTriangular", solve_triangular_fn, [tri(2, 1, 3, 3), rec.randn(2, 3, 1)], args={"upper": True},
             broadcast=True, name="solveTriangular broadcast batch")
    rec.case("solveTriangular", solve_triangular_fn, [tri(4, 4, dtype=F32), rec.randn(4, 3, dtype=F32)], args={"upper": False})
    rec.case("solveTriangular", solve_triangular_fn, [tri(60, 60), rec.randn(60, 3)], args={"upper": False}, gradcheck=False,
             name="solveTriangular float64[60, 60] (blocked)")
    rec.case("solveTriangular", solve_triangular_fn, [torch.tensor([[1.0, 0.0], [2.0, 0.0]], dtype=F64), torch.ones(2, 1, dtype=F64)],
             args={"upper": False}, grad=[], name="solveTriangular zero diagonal")
    rec.case("solveTriangular", solve_triangular_fn, [eye(2), torch.ones(2, dtype=F64)], args={"upper": True},
             name="solveTriangular vector B")
    rec.case("solveTriangular", solve_triangular_fn, [eye(2), torch.ones(3, 1, dtype=F64)], args={"upper": True},
             name="solveTriangular shape mismatch")

    # ---------------------------------------------------------------- cholesky_solve
    def chol_factor(*shape, dtype=F64, upper=False):
        return torch.linalg.cholesky(spd(*shape), upper=upper).to(dtype)
    rec.case("choleskySolve", cholesky_solve_fn, [rec.randn(3, 2), chol_factor(3, 3)], gradcheck=False,
             name="choleskySolve lower")
    rec.case("choleskySolve", cholesky_solve_fn, [rec.randn(3, 2), chol_factor(3, 3, upper=True)], args={"upper": True},
             gradcheck=False, name="choleskySolve upper")
    rec.case("choleskySolve", cholesky_solve_fn, [rec.randn(3, 2), chol_factor(3, 3)], args={"masked": True},
             name="choleskySolve lower, masked")
    rec.case("choleskySolve", cholesky_solve_fn, [rec.randn(3, 1), chol_factor(3, 3, upper=True)],
             args={"upper": True, "masked": True}, name="choleskySolve upper, masked")
    rec.case("choleskySolve", cholesky_solve_fn, [rec.randn(2, 3, 1), chol_factor(3, 3)], args={"masked": True},
             broadcast=True, name="choleskySolve broadcast batch")
    rec.case("choleskySolve", cholesky_solve_fn, [rec.randn(4, 2, dtype=F32), chol_factor(4, 4, dtype=F32)])
    rec.case("choleskySolve", cholesky_solve_fn, [torch.ones(2, dtype=F64), eye(2)], name="choleskySolve vector B")
    rec.case("choleskySolve", cholesky_solve_fn, [torch.ones(3, 1, dtype=F64), eye(2)], name="choleskySolve shape mismatch")
