"""Products: matmul's edge cases, bmm, baddbmm, addmm, addmv, mv, dot, vdot, inner, outer, cross,
kron, tensordot, multi_dot, matrix_power, and einsum in every equation form."""
import torch

SEED = 2402051

f32, f64, i64 = torch.float32, torch.float64, torch.int64


def einsum_fn(*xs, equation):
    return torch.einsum(equation, *xs)


def tensordot_fn(a, b, axes=None, axes_a=None, axes_b=None):
    if axes_a is not None:
        return torch.tensordot(a, b, dims=(axes_a, axes_b))
    return torch.tensordot(a, b, dims=2 if axes is None else axes)


def multi_dot_fn(*xs):
    return torch.linalg.multi_dot(list(xs))


def cross_fn(a, b, axis=-1):
    return torch.linalg.cross(a, b, dim=axis)


def matrix_power_fn(a, n):
    return torch.linalg.matrix_power(a, n)


def build(rec):
    r, ri = rec.randn, rec.randint
    nan = float("nan")

    # ---------------------------------------------------------------- matmul: edge cases
    mm = torch.matmul
    rec.case("matmul", mm, [r(3, 4, dtype=f32), r(4, 2, dtype=f32)])
    rec.case("matmul", mm, [r(2, 3), r(3, 2)])
    rec.case("matmul", mm, [r(4), r(4)], name="matmul vector·vector is 0-d")
    rec.case("matmul", mm, [r(3, dtype=f32), r(3, dtype=f32)], name="matmul vector·vector float32")
    rec.case("matmul", mm, [r(3), r(3, 2)], name="matmul vector·matrix")
    rec.case("matmul", mm, [r(2, 3), r(3)], name="matmul matrix·vector")
    rec.case("matmul", mm, [r(3), r(2, 3, 2)], name="matmul vector·batch")
    rec.case("matmul", mm, [r(2, 2, 3), r(3)], name="matmul batch·vector")
    rec.case("matmul", mm, [r(2, 1, 2, 3), r(3, 3, 2)], broadcast=True, name="matmul broadcast batches")
    rec.case("matmul", mm, [r(2, 1, 3, 4, dtype=f32), r(3, 4, 2, dtype=f32)], name="matmul broadcast batches float32")
    rec.case("matmul", mm, [r(2, 0), r(0, 3)], name="matmul empty inner dimension gives zeros")
    rec.case("matmul", mm, [r(0, 3), r(3, 2)], name="matmul zero rows")
    rec.case("matmul", mm, [r(2, 3), r(3, 0)], name="matmul zero columns")
    rec.case("matmul", mm, [r(0), r(0)], name="matmul empty vectors give 0")
    rec.case("matmul", mm, [r(0, 2, 3), r(3, 4)], name="matmul zero batch")
    rec.case("matmul", mm, [r(2, 3, 0, dtype=f32), r(0, 4, dtype=f32)], name="matmul batched empty inner dimension float32")
    rec.case("matmul", mm, [ri(-5, 6, 3, 4), ri(-5, 6, 4, 2)], name="matmul int64")
    rec.case("matmul", mm, [ri(-5, 6, 2, 3, 4), ri(-5, 6, 4)], name="matmul int64 batch·vector")
    rec.case("matmul", mm, [ri(-5, 6, 3), ri(-5, 6, 3)], name="matmul int64 vector·vector")
    rec.case("matmul", mm, [ri(0, 2, 2, 3).bool(), ri(0, 2, 3, 2).bool()], name="matmul bool refused")
    rec.case("matmul", mm, [r(2, 3), r(4, 2)], name="matmul misaligned refused")
    rec.case("matmul", mm, [torch.tensor(2.0, dtype=f64), r(3)], name="matmul 0-d refused")
    rec.case("matmul", mm, [r(2, 2, 3), r(3, 3, 2)], name="matmul batches that do not broadcast refused")
    rec.case("matmul", mm, [torch.tensor([[1.0, nan], [float("inf"), 2.0]], dtype=f64), r(2, 2)], grad=[],
             name="matmul non-finite values")

    # ---------------------------------------------------------------- bmm, mv
    rec.case("bmm", torch.bmm, [r(2, 3, 4, dtype=f32), r(2, 4, 2, dtype=f32)])
    rec.case("bmm", torch.bmm, [r(2, 2, 3), r(2, 3, 2)])
    rec.case("bmm", torch.bmm, [ri(-5, 6, 2, 2, 3), ri(-5, 6, 2, 3, 2)], name="bmm int64")
    rec.case("bmm", torch.bmm, [r(0, 2, 3), r(0, 3, 4)], name="bmm zero batch")
    rec.case("bmm", torch.bmm, [r(2, 2, 0), r(2, 0, 3)], name="bmm empty inner dimension")
    rec.case("bmm", torch.bmm, [r(1, 2, 3), r(2, 3, 4)], name="bmm does not broadcast batches")
    rec.case("bmm", torch.bmm, [r(2, 3), r(3, 4)], name="bmm 2-D refused")
    rec.case("bmm", torch.bmm, [r(2, 2, 3), r(2, 4, 4)], name="bmm misaligned refused")

    rec.case("mv", torch.mv, [r(3, 4, dtype=f32), r(4, dtype=f32)])
    rec.case("mv", torch.mv, [r(3, 4), r(4)])
    rec.case("mv", torch.mv, [ri(-5, 6, 3, 4), ri(-5, 6, 4)], name="mv int64")
    rec.case("mv", torch.mv, [r(2, 0), r(0)], name="mv empty vector")
    rec.case("mv", torch.mv, [r(2, 3), r(2)], name="mv misaligned refused")
    rec.case("mv", torch.mv, [r(2, 3), r(3, 1)], name="mv 2-D vector refused")

    # ---------------------------------------------------------------- baddbmm, addmm, addmv
    def bad(i, a, b, beta=1, alpha=1):
        return torch.baddbmm(i, a, b, beta=beta, alpha=alpha)

    def adm(i, a, b, beta=1, alpha=1):
        return torch.addmm(i, a, b, beta=beta, alpha=alpha)

    def adv(i, a, b, beta=1, alpha=1):
        return torch.addmv(i, a, b, beta=beta, alpha=alpha)

    rec.case("baddbmm", bad, [r(2, 2, 3, dtype=f32), r(2, 2, 4, dtype=f32), r(2, 4, 3, dtype=f32)])
    rec.case("baddbmm", bad, [r(2, 2, 2), r(2, 2, 3), r(2, 3, 2)], args={"beta": 0.5, "alpha": -2.0})
    rec.case("baddbmm", bad, [r(2), r(2, 2, 3), r(2, 3, 2)], broadcast=True, name="baddbmm input broadcast")
    rec.case("baddbmm", bad, [r(2, 1, 1), r(2, 2, 2), r(2, 2, 3)], args={"beta": 2.0}, broadcast=True,
             name="baddbmm input broadcast over rows and columns")
    rec.case("baddbmm", bad, [torch.full((2, 2, 2), nan, dtype=f64), r(2, 2, 3), r(2, 3, 2)], args={"beta": 0.0},
             name="baddbmm beta 0 ignores NaN input")
    rec.case("baddbmm", bad, [r(2, 2, 2), torch.full((2, 2, 3), nan, dtype=f64), r(2, 3, 2)], args={"alpha": 0.0},
             grad=[0], gradcheck=False, name="baddbmm alpha 0 keeps NaN of the product")
    rec.case("baddbmm", bad, [ri(-5, 6, 2, 2, 2), ri(-5, 6, 2, 2, 3), ri(-5, 6, 2, 3, 2)], args={"beta": 2, "alpha": 3},
             name="baddbmm int64")
    rec.case("baddbmm", bad, [ri(-5, 6, 2, 2, 2), ri(-5, 6, 2, 2, 3), ri(-5, 6, 2, 3, 2)], args={"beta": 0.5, "alpha": 1.5},
             name="baddbmm int64 truncates beta and alpha")
    rec.case("baddbmm", bad, [r(0, 2, 2), r(0, 2, 3), r(0, 3, 2)], name="baddbmm zero batch")
    rec.case("baddbmm", bad, [r(2, 2), r(2, 2, 0), r(2, 0, 2)], name="baddbmm empty inner dimension")
    rec.case("baddbmm", bad, [r(4), r(2, 2, 3), r(2, 3, 3)], name="baddbmm input that does not broadcast refused")
    rec.case("baddbmm", bad, [r(1, 2, 2, 3), r(2, 2, 3), r(2, 3, 3)], name="baddbmm 4-D input refused")
    rec.case("baddbmm", bad, [r(2, 2, 3), r(2, 2, 3), r(3, 3, 3)], name="baddbmm batch sizes differ refused")

    rec.case("addmm", adm, [r(2, 3, dtype=f32), r(2, 4, dtype=f32), r(4, 3, dtype=f32)])
    rec.case("addmm", adm, [r(2, 3), r(2, 4), r(4, 3)], args={"beta": -1.5, "alpha": 0.25})
    rec.case("addmm", adm, [r(3), r(2, 4), r(4, 3)], broadcast=True, name="addmm row input broadcast")
    rec.case("addmm", adm, [torch.tensor(1.5, dtype=f64), r(2, 2), r(2, 3)], broadcast=True, name="addmm 0-d input")
    rec.case("addmm", adm, [torch.full((2, 2), nan, dtype=f64), r(2, 3), r(3, 2)], args={"beta": 0.0},
             name="addmm beta 0 ignores NaN input")
    rec.case("addmm", adm, [r(2, 2), torch.full((2, 3), nan, dtype=f64), r(3, 2)], args={"alpha": 0.0}, grad=[0],
             name="addmm alpha 0 ignores the product")
    rec.case("addmm", adm, [ri(-5, 6, 2, 2), ri(-5, 6, 2, 3), ri(-5, 6, 3, 2)], args={"beta": -1, "alpha": 2},
             name="addmm int64")
    rec.case("addmm", adm, [r(2, 3), r(2, 0), r(0, 3)], name="addmm empty inner dimension")
    rec.case("addmm", adm, [r(1, 2, 3), r(2, 3), r(3, 3)], name="addmm 3-D input refused")
    rec.case("addmm", adm, [r(2, 3), r(1, 2, 3), r(3, 3)], name="addmm 3-D mat1 refused")
    rec.case("addmm", adm, [r(2, 3), r(2, 3), r(2, 3)], name="addmm misaligned refused")

    rec.case("addmv", adv, [r(3, dtype=f32), r(3, 4, dtype=f32), r(4, dtype=f32)])
    rec.case("addmv", adv, [r(3), r(3, 4), r(4)], args={"beta": 0.5, "alpha": 2.0})
    rec.case("addmv", adv, [r(1), r(3, 2), r(2)], broadcast=True, name="addmv input broadcast")
    rec.case("addmv", adv, [torch.full((2,), nan, dtype=f64), r(2, 3), r(3)], args={"beta": 0.0},
             name="addmv beta 0 ignores NaN input")
    rec.case("addmv", adv, [r(2), torch.full((2, 3), nan, dtype=f64), r(3)], args={"alpha": 0.0}, grad=[0],
             name="addmv alpha 0 ignores the product")
    rec.case("addmv", adv, [ri(-5, 6, 3), ri(-5, 6, 3, 2), ri(-5, 6, 2)], args={"beta": 3}, name="addmv int64")
    rec.case("addmv", adv, [r(2), r(2, 3), r(2)], name="addmv misaligned refused")

    # ---------------------------------------------------------------- dot, vdot, inner, outer
    rec.case("dot", torch.dot, [r(5, dtype=f32), r(5, dtype=f32)])
    rec.case("dot", torch.dot, [r(5), r(5)])
    rec.case("dot", torch.dot, [ri(-5, 6, 4), ri(-5, 6, 4)], name="dot int64")
    rec.case("dot", torch.dot, [r(0), r(0)], name="dot empty vectors give 0")
    rec.case("dot", torch.dot, [r(3), r(4)], name="dot lengths differ refused")
    rec.case("dot", torch.dot, [r(3, 1), r(3, 1)], name="dot 2-D refused")
    rec.case("dot", torch.dot, [ri(0, 2, 3).bool(), ri(0, 2, 3).bool()], name="dot bool refused")

    rec.case("vdot", torch.vdot, [r(4), r(4)])
    rec.case("vdot", torch.vdot, [ri(-5, 6, 4), ri(-5, 6, 4)], name="vdot int64")

    rec.case("inner", torch.inner, [r(2, 3, dtype=f32), r(4, 3, dtype=f32)])
    rec.case("inner", torch.inner, [r(2, 3), r(2, 2, 3)])
    rec.case("inner", torch.inner, [r(3), r(3)], name="inner of vectors")
    rec.case("inner", torch.inner, [torch.tensor(1.5, dtype=f64), r(2, 3)], name="inner 0-d operand multiplies")
    rec.case("inner", torch.inner, [ri(-5, 6, 2, 3), ri(-5, 6, 3)], name="inner int64")
    rec.case("inner", torch.inner, [r(2, 0), r(3, 0)], name="inner empty last dimension")
    rec.case("inner", torch.inner, [r(2, 3), r(2, 2)], name="inner last dimensions differ refused")

    rec.case("outer", torch.outer, [r(3, dtype=f32), r(4, dtype=f32)])
    rec.case("outer", torch.outer, [r(3), r(4)])
    rec.case("outer", torch.outer, [ri(-5, 6, 3), ri(-5, 6, 2)], name="outer int64")
    rec.case("outer", torch.outer, [ri(0, 2, 3).bool(), ri(0, 2, 2).bool()], name="outer bool")
    rec.case("outer", torch.outer, [r(3, dtype=f32), r(2)], name="outer float32 and float64 promote")
    rec.case("outer", torch.outer, [ri(-5, 6, 3), r(2, dtype=f32)], name="outer int64 and float32 promote")
    rec.case("outer", torch.outer, [r(0), r(3)], name="outer empty")
    rec.case("outer", torch.outer, [r(3, 1), r(2)], name="outer 2-D refused")

    # ---------------------------------------------------------------- cross
    rec.case("cross", cross_fn, [r(4, 3, dtype=f32), r(4, 3, dtype=f32)])
    rec.case("cross", cross_fn, [r(2, 3), r(2, 3)])
    rec.case("cross", cross_fn, [r(3, 2), r(3, 2)], args={"axis": 0}, name="cross axis 0")
    rec.case("cross", cross_fn, [r(2, 3, 2), r(2, 3, 2)], args={"axis": -2}, name="cross negative axis")
    rec.case("cross", cross_fn, [r(1, 3), r(3, 3)], broadcast=True, name="cross broadcast")
    rec.case("cross", cross_fn, [r(3, 1), r(3, 4)], args={"axis": 0}, broadcast=True, name="cross broadcast axis 0")
    rec.case("cross", cross_fn, [ri(-5, 6, 2, 3), ri(-5, 6, 2, 3)], name="cross int64")
    rec.case("cross", cross_fn, [r(0, 3), r(0, 3)], name="cross empty")
    rec.case("cross", cross_fn, [r(4), r(4)], name="cross size 4 refused")
    rec.case("cross", cross_fn, [r(3, 2), r(3, 2)], name="cross size 2 along the default axis refused")
    rec.case("cross", cross_fn, [r(3), r(2, 3)], name="cross ranks differ refused")
    rec.case("cross", cross_fn, [r(1, 4), r(3, 4)], args={"axis": 0}, name="cross size 1 along the axis refused")
    rec.case("cross", cross_fn, [r(3, 2), r(3, 2)], args={"axis": 2}, name="cross axis out of range refused")

    # ---------------------------------------------------------------- kron
    rec.case("kron", torch.kron, [r(2, 2, dtype=f32), r(2, 3, dtype=f32)])
    rec.case("kron", torch.kron, [r(2, 2), r(3, 2)])
    rec.case("kron", torch.kron, [r(3), r(2)], name="kron vectors")
    rec.case("kron", torch.kron, [r(2), r(2, 3)], name="kron ranks differ")
    rec.case("kron", torch.kron, [torch.tensor(2.5, dtype=f64), r(2, 3)], name="kron 0-d")
    rec.case("kron", torch.kron, [ri(-5, 6, 2, 2), ri(-5, 6, 2)], name="kron int64")
    rec.case("kron", torch.kron, [ri(0, 2, 2).bool(), ri(0, 2, 3).bool()], name="kron bool")
    rec.case("kron", torch.kron, [r(2, dtype=f32), r(3, 2)], name="kron float32 and float64 promote")
    rec.case("kron", torch.kron, [r(2, 0), r(3, 4)], name="kron empty")

    # ---------------------------------------------------------------- tensordot
    rec.case("tensordot", tensordot_fn, [r(2, 3, 4, dtype=f32), r(3, 4, 2, dtype=f32)], name="tensordot default axes 2 float32")
    rec.case("tensordot", tensordot_fn, [r(2, 3, 2), r(3, 2, 2)], name="tensordot default axes 2")
    rec.case("tensordot", tensordot_fn, [r(2, 3), r(3, 4)], args={"axes": 1})
    rec.case("tensordot", tensordot_fn, [r(2, 3), r(3, 2)], args={"axes": 0}, name="tensordot axes 0 is the outer product")
    rec.case("tensordot", tensordot_fn, [r(2, 3, 2), r(2, 3, 3)], args={"axes_a": [1, 0], "axes_b": [1, 0]},
             name="tensordot axis lists")
    rec.case("tensordot", tensordot_fn, [r(3, 2), r(2, 3)], args={"axes_a": [-1], "axes_b": [-2]},
             name="tensordot negative axes")
    rec.case("tensordot", tensordot_fn, [r(2, 1), r(3, 4)], args={"axes_a": [1], "axes_b": [0]}, broadcast=True,
             name="tensordot size 1 broadcasts")
    rec.case("tensordot", tensordot_fn, [ri(-5, 6, 2, 3), ri(-5, 6, 3, 2)], args={"axes": 1}, name="tensordot int64")
    rec.case("tensordot", tensordot_fn, [r(2, 0), r(0, 3)], args={"axes": 1}, name="tensordot empty contraction")
    rec.case("tensordot", tensordot_fn, [r(2, 3), r(3, 4)], args={"axes_a": [0], "axes_b": [0]},
             name="tensordot sizes differ refused")
    rec.case("tensordot", tensordot_fn, [r(2, 3), r(3, 4)], args={"axes": 3}, name="tensordot too many axes refused")
    rec.case("tensordot", tensordot_fn, [r(2, 3), r(3, 4)], args={"axes": -1}, name="tensordot negative axes count refused")
    rec.case("tensordot", tensordot_fn, [r(3, 3), r(3, 3)], args={"axes_a": [0, 0], "axes_b": [0, 1]},
             name="tensordot repeated axis refused")

    # ---------------------------------------------------------------- multi_dot, matrix_power
    rec.case("multiDot", multi_dot_fn, [r(2, 3, dtype=f32), r(3, 4, dtype=f32)])
    rec.case("multiDot", multi_dot_fn, [r(2, 3), r(3, 1), r(1, 4)], name="multiDot three matrices")
    rec.case("multiDot", multi_dot_fn, [r(4, 2), r(2, 3), r(3, 1), r(1, 2)], name="multiDot four matrices")
    rec.case("multiDot", multi_dot_fn, [r(3), r(3, 2), r(2, 2), r(2)], name="multiDot vector ends")
    rec.case("multiDot", multi_dot_fn, [r(3), r(3)], name="multiDot two vectors")
    rec.case("multiDot", multi_dot_fn, [ri(-5, 6, 2, 3), ri(-5, 6, 3, 2), ri(-5, 6, 2, 2)], name="multiDot int64")
    rec.case("multiDot", multi_dot_fn, [r(3, 4)], name="multiDot one tensor refused")
    rec.case("multiDot", multi_dot_fn, [r(2, 2, 3), r(3, 2)], name="multiDot 3-D refused")
    rec.case("multiDot", multi_dot_fn, [r(2, 3), r(3), r(3, 2)], name="multiDot vector in the middle refused")
    rec.case("multiDot", multi_dot_fn, [r(2, 3), r(4, 2)], name="multiDot misaligned refused")

    rec.case("matrixPower", matrix_power_fn, [r(3, 3, dtype=f32)], args={"n": 2})
    rec.case("matrixPower", matrix_power_fn, [r(3, 3)], args={"n": 3})
    rec.case("matrixPower", matrix_power_fn, [r(2, 2, 2)], args={"n": 5}, name="matrixPower batched")
    rec.case("matrixPower", matrix_power_fn, [r(2, 2)], args={"n": 1})
    rec.case("matrixPower", matrix_power_fn, [r(2, 3, 3)], args={"n": 0}, grad=[], name="matrixPower 0 is the identity")
    rec.case("matrixPower", matrix_power_fn, [ri(-3, 4, 3, 3)], args={"n": 4}, name="matrixPower int64")
    rec.case("matrixPower", matrix_power_fn, [r(0, 0)], args={"n": 3}, name="matrixPower empty")
    rec.case("matrixPower", matrix_power_fn, [r(3, 2)], args={"n": 2}, name="matrixPower non-square refused")
    rec.case("matrixPower", matrix_power_fn, [r(3)], args={"n": 2}, name="matrixPower 1-D refused")

    # ---------------------------------------------------------------- einsum
    def es(equation, *inputs, **kw):
        rec.case("einsum", einsum_fn, list(inputs), args={"equation": equation}, **kw)

    # Each form in float64 (gradchecked) and float32.
    forms = [
        ("ij,jk->ik", [(2, 3), (3, 2)]),
        ("ij,jk", [(2, 3), (3, 2)]),
        ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]),
        ("bhqd,bhkd->bhqk", [(1, 2, 3, 2), (1, 2, 2, 2)]),
        ("bij,bkj->bik", [(2, 2, 3), (2, 2, 3)]),
        ("bij,jk->bik", [(2, 2, 3), (3, 2)]),
        ("ij,jk->ki", [(2, 3), (3, 2)]),
        ("abc,cd->abd", [(2, 2, 3), (3, 2)]),
        ("abcd,cdef->abef", [(2, 1, 2, 3), (2, 3, 2, 1)]),
        ("ij,kj->ik", [(2, 3), (2, 3)]),
        ("ijk,ikj->i", [(2, 2, 3), (2, 3, 2)]),
        ("ij->ji", [(2, 3)]),
        ("ij", [(2, 3)]),
        ("ijk->kji", [(2, 3, 2)]),
        ("ii->i", [(3, 3)]),
        ("ii", [(3, 3)]),
        ("ii->", [(3, 3)]),
        ("iij->j", [(2, 2, 3)]),
        ("iji->j", [(2, 3, 2)]),
        ("ijj->ij", [(2, 3, 3)]),
        ("ij->", [(2, 3)]),
        ("ij->j", [(2, 3)]),
        ("i,i->", [(4,), (4,)]),
        ("i,i", [(4,), (4,)]),
        ("i,j->ij", [(3,), (2,)]),
        ("i,j", [(3,), (2,)]),
        ("ij,ij->ij", [(2, 3), (2, 3)]),
        ("ij,ji->ij", [(2, 3), (3, 2)]),
        ("ij,ij->", [(2, 3), (2, 3)]),
        ("ij,kl->", [(2, 2), (2, 3)]),
        ("ij,kl->ijkl", [(2, 2), (1, 3)]),
        ("ii,i->i", [(3, 3), (3,)]),
        ("...ij,...jk->...ik", [(2, 1, 2, 3), (3, 3, 2)], True),
        ("...ij->...ji", [(2, 2, 3)]),
        ("...ii->...i", [(2, 3, 3)]),
        ("i...->...", [(3, 2, 2)]),
        ("...i,...i->...", [(2, 1, 3), (2, 3)], True),
        ("...ij->ij", [(2, 2, 3)]),
        ("ij->...ij", [(2, 3)]),
        ("...ij,...jk", [(2, 2, 3), (3, 2)]),
        ("b...i,bi->b...", [(2, 2, 2, 3), (2, 3)], True),
        (" i j , j k -> i k ", [(2, 3), (3, 2)]),
        ("Ab,bC->AC", [(2, 3), (3, 2)]),
        ("bA,aB", [(2, 3), (2, 2)]),
        ("Zz,zZ->Z", [(3, 2), (2, 3)]),
        ("ij,jk,kl->il", [(2, 3), (3, 2), (2, 2)]),
        ("i,ij,j->", [(2,), (2, 3), (3,)]),
        ("ij,jk,k->i", [(2, 3), (3, 3), (3,)]),
        ("ab,bc,cd,de->ae", [(2, 2), (2, 3), (3, 2), (2, 2)]),
        ("ij,ij,ij->ij", [(2, 3), (2, 3), (2, 3)]),
        ("bn,anm,bm->ba", [(2, 3), (2, 3, 2), (2, 2)]),
        ("i,i->i", [(1,), (3,)], True),
        ("ij,jk->ik", [(2, 1), (3, 2)], True),
        ("ij,ij->ij", [(2, 1), (1, 3)], True),
        ("ij,kj->ikj", [(2, 3), (2, 1)], True),
        ("->", [()]),
        (",i->i", [(), (3,)]),
        ("...,...->...", [(), (2, 3)], True),
        ("i->", [(5,)]),
    ]
    def operand(shape, dtype):
        return r(*shape, dtype=dtype) if shape else r(1, dtype=dtype).reshape(())

    # A third element marks forms whose operands broadcast against each other.
    for eq, shapes, *broadcast in forms:
        es(eq, *[operand(s, f64) for s in shapes], broadcast=bool(broadcast))
    for eq, shapes, *broadcast in forms:
        es(eq, *[operand(s, f32) for s in shapes], broadcast=bool(broadcast), name=f"einsum {eq} float32")

    # Sizes on the GEMM path beyond a register tile, float32.
    es("bij,bjk->bik", r(2, 13, 6, dtype=f32), r(2, 6, 9, dtype=f32), atol=1e-5, name="einsum bij,bjk->bik larger float32")
    es("bhqd,bhkd->bhqk", r(1, 2, 7, 5, dtype=f32), r(1, 2, 13, 5, dtype=f32), atol=1e-5,
       name="einsum bhqd,bhkd->bhqk larger float32")
    es("bhqk,bhkd->bhqd", r(1, 1, 13, 6, dtype=f32), r(1, 1, 6, 9, dtype=f32), atol=1e-5,
       name="einsum bhqk,bhkd->bhqd larger float32")
    es("abcd,cdef->abef", r(2, 3, 2, 3, dtype=f32), r(2, 3, 2, 3, dtype=f32), atol=1e-5,
       name="einsum abcd,cdef->abef larger float32")

    # Zero-sized.
    es("ij->", r(2, 0), name="einsum sum over an empty index is 0")
    es("ij,jk->ik", r(2, 0), r(0, 3), name="einsum empty contraction gives zeros")
    es("bij,bjk->bik", r(0, 2, 3), r(0, 3, 2), name="einsum zero batch")
    es("ii->i", r(0, 0), name="einsum empty diagonal")
    es("i,j->ij", r(0), r(3), name="einsum empty outer product")
    es("ij,ij->i", r(2, 0), r(2, 0), name="einsum empty Hadamard sum")

    # int64.
    es("ij,jk->ik", ri(-5, 6, 2, 3), ri(-5, 6, 3, 2), name="einsum int64 matrix product")
    es("bij,bjk->bik", ri(-5, 6, 2, 2, 3), ri(-5, 6, 2, 3, 2), name="einsum int64 batched")
    es("ii->", ri(-5, 6, 3, 3), name="einsum int64 trace")
    es("i,j->ij", ri(-5, 6, 3), ri(-5, 6, 2), name="einsum int64 outer")
    es("ij->j", ri(-5, 6, 2, 3), name="einsum int64 sum")

    # Refusals.
    es("ij,jk->ik", r(2, 3), name="einsum fewer operands than the equation refused")
    es("ij->ij", r(2, 3), r(2, 3), name="einsum more operands than the equation refused")
    es("ij,jk->ik", r(2, 3), r(4, 4), name="einsum sizes differ refused")
    es("i1,jk->ik", r(2, 3), r(4, 4), name="einsum invalid character refused")
    es("ij->iz", r(2, 3), name="einsum output subscript not in the inputs refused")
    es("ij->ii", r(2, 3), name="einsum output subscript repeated refused")
    es("ii->i", r(2, 3), name="einsum diagonal of different sizes refused")
    es("ijk->i", r(2, 3), name="einsum more subscripts than dimensions refused")
    es("i->i", r(2, 3), name="einsum fewer subscripts than dimensions refused")
    es("...i...->i", r(2, 3), name="einsum two ellipses refused")
    es("..i->i", r(2, 3), name="einsum lone dots refused")
    es("ij-k", r(2, 3), name="einsum dash without arrow refused")
    es("ij->j->i", r(2, 3), name="einsum two arrows refused")
    es("...i,...i->...", r(2, 3), r(4, 3), name="einsum ellipsis dimensions that do not broadcast refused")
    es("ij,jk->ik", ri(0, 2, 2, 3).bool(), ri(0, 2, 3, 2).bool(), name="einsum bool refused")
