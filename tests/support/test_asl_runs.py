"""The corpus runner's lockstep tells Parallels apart for the whole of a run."""

from __future__ import annotations

import gc
import weakref

from asl_runs import _Lockstep


class _Pool:
    _active_workers_num = 1


class _Env:
    pass


def test_a_pool_and_its_branch_stay_alive_until_the_run_ends_so_no_later_one_takes_their_id() -> (
    None
):
    lockstep = _Lockstep()
    pool, env = _Pool(), _Env()
    lockstep.register(pool, env)
    pool_ref, env_ref = weakref.ref(pool), weakref.ref(env)
    del pool, env
    gc.collect()

    assert pool_ref() is not None
    assert env_ref() is not None


def test_parallels_run_one_after_another_each_count_only_their_own_branch() -> None:
    lockstep = _Lockstep()
    for _ in range(100):  # each pool freed by the caller at once, as moto frees a finished one
        lockstep.register(_Pool(), _Env())

    assert [len(envs) for envs in lockstep.groups.values()] == [1] * 100
