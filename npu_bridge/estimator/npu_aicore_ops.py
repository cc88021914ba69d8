"""Upstream ``npu_bridge.estimator.npu_aicore_ops``: wrappers over AI Core ops (not imported by npu_init).

The gradients upstream registers here (FastGelu, PRelu, DropOutDoMaskV3, FusedLayerNorm) are part
of the emulated ops; :func:`prelu_grad` computes PRelu's for an op instance.  The DeePMD-kit ops and
``lru_cache_v2`` raise NotImplementedError (they need the device).
"""
from tensorflow.python.framework import dtypes, ops

from npu_bridge._ops import defs_misc_aicore
from npu_bridge._ops.composite import OpView
from npu_bridge.estimator import npu_ops
from npu_bridge.helper import helper

npu_aicore_ops = helper.get_gen_ops()

DEFAULT_GRAPH_SEED = 87654321
_MAXINT32 = 2 ** 31 - 1


def fast_gelu_v2(x, name=None):
    """x·sigmoid(1.702·x) (op FastGeluV2)."""
    return npu_aicore_ops.fast_gelu_v2(x, name)


def centralization(x, axes, name=None):
    """x − mean(x, axes)."""
    x = ops.convert_to_tensor(x, name="x")
    return npu_aicore_ops.centralization(x, axes, name=name)


def prelu_grad(op, grad):
    """[dx, dweight] of a PRelu op (op PReluGrad)."""
    return defs_misc_aicore.prelu_grad_view(OpView.of(op), grad)


def prelu(x, weight):
    """x where x > 0 else weight·x (op PRelu)."""
    return npu_aicore_ops.p_relu(x, weight)


def dropout_v3(x, keep_prob, noise_shape=None, seed=None, name=None):
    """npu_ops.dropout built with DropOutGenMaskV3 and DropOutDoMaskV3 (same checks and seeds)."""
    x = npu_ops.check_dropout_args("dropout_v3", x, keep_prob)
    if isinstance(keep_prob, float) and keep_prob == 1.0:
        return x
    return npu_ops.npu_dropout(x, keep_prob, noise_shape, seed, name, npu_aicore_ops.drop_out_gen_mask_v3,
                               npu_aicore_ops.drop_out_do_mask_v3)


def dropout_v4(x, keep_prob, noise_shape=None, seed=None, output_dtype=dtypes.bool, name=None):
    """npu_ops.dropout built with DropOutGenMaskV4 (a per-element mask of ``output_dtype``) and DropOutDoMaskV3."""
    x = npu_ops.check_dropout_args("dropout_v4", x, keep_prob)
    if isinstance(keep_prob, float) and keep_prob == 1.0:
        return x
    return npu_ops.npu_dropout(x, keep_prob, noise_shape, seed, name, npu_aicore_ops.drop_out_gen_mask_v4,
                               npu_aicore_ops.drop_out_do_mask_v3, bit_mask=False, gen_extra=(output_dtype,))


def lru_cache_v2(index_list, data, cache, tag, is_last_call, pre_route_count, name=None):
    """Device embedding cache exchange (not emulated: raises NotImplementedError)."""
    is_last_call = ops.convert_to_tensor(is_last_call, name="is_last_call")
    return list(npu_aicore_ops.lru_cache_v2(index_list, data, cache, tag, is_last_call, pre_route_count, name=name))


def nonzero(x, transpose=False, output_type=dtypes.int64, name=None):
    """Coordinates of the non-zero elements of x: [rank, N] ([N, rank] with transpose)."""
    x = ops.convert_to_tensor(x, name="x")
    return npu_aicore_ops.non_zero(x, transpose, output_type, name=name)


def nonzerowithvalue(x, transpose=False, output_type=dtypes.int64, name=None):
    """(value, index, count) of the non-zero elements of a 2-D x (fixed-size, zero-padded outputs)."""
    x = ops.convert_to_tensor(x, name="x")
    return npu_aicore_ops.non_zero_with_value(x, transpose, output_type, name=name)


def layer_norm(x, gamma, beta, begin_norm_axis=0, begin_params_axis=0, epsilon=1e-07, name=None):
    """[y, mean, variance] of FusedLayerNorm."""
    return list(npu_aicore_ops.fused_layer_norm(x, gamma, beta, begin_norm_axis, begin_params_axis, epsilon, name))


def prod_env_mat_a(coord, types, natoms, box, mesh, davg, dstd, rcut_a=0.0, rcut_r=0.0, rcut_r_smth=0.0,
                   sel_a=None, sel_r=None, name=None):
    """DeePMD-kit ProdEnvMatA (not emulated: raises NotImplementedError)."""
    sel_a = [] if sel_a is None else sel_a
    sel_r = [] if sel_r is None else sel_r
    return npu_aicore_ops.prod_env_mat_a(coord, types, natoms, box, mesh, davg, dstd, sel_a, sel_r, rcut_a, rcut_r,
                                         rcut_r_smth, name)


def prodvirialsea(net_deriv, in_deriv, rij, nlist, natoms, n_a_sel=0, n_r_sel=0, name=None):
    """DeePMD-kit ProdVirialSeA (not emulated: raises NotImplementedError)."""
    return npu_aicore_ops.prod_virial_se_a(net_deriv, in_deriv, rij, nlist, natoms, n_a_sel, n_r_sel, name=name)


def prodforcesea(net_deriv, in_deriv, nlist, natoms, n_a_sel=0, n_r_sel=0, name=None):
    """DeePMD-kit ProdForceSeA (not emulated: raises NotImplementedError)."""
    return npu_aicore_ops.prod_force_se_a(net_deriv, in_deriv, nlist, natoms, n_a_sel, n_r_sel, name=name)


def tabulatefusionsea(table, table_info, em_x, em, last_layer_size=128, name=None):
    """DeePMD-kit TabulateFusionSeA (not emulated: raises NotImplementedError)."""
    return npu_aicore_ops.tabulate_fusion_se_a(table, table_info, em_x, em, last_layer_size, name=name)


def tabulatefusionseagrad(table, table_info, em_x, em, dy_dem_x, dy_dem, name=None):
    """DeePMD-kit TabulateFusionSeAGrad (not emulated: raises NotImplementedError)."""
    return npu_aicore_ops.tabulate_fusion_se_a_grad(table, table_info, em_x, em, dy_dem_x, dy_dem, name=name)


def tabulatefusion(table, table_info, em_x, em, last_layer_size=128, name=None):
    """DeePMD-kit TabulateFusion (not emulated: raises NotImplementedError)."""
    return npu_aicore_ops.tabulate_fusion(table, table_info, em_x, em, last_layer_size, name=name)


def tabulatefusiongrad(table, table_info, em_x, em, dy_dem_x, dy_dem, name=None):
    """DeePMD-kit TabulateFusionGrad (not emulated: raises NotImplementedError)."""
    return npu_aicore_ops.tabulate_fusion_grad(table, table_info, em_x, em, dy_dem_x, dy_dem, name=name)
