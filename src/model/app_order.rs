//! Whether one app is synced before another: two child Applications of one parent app, in
//! different steps of the parent's plan, with a health check for Applications, so the parent
//! waits until the earlier child is Healthy (spec/argocd.md §2.2, app of apps).

use super::instance::Fact;
use super::{AppId, Model, Resource, argo::Phase};

/// The (phase, wave) an Application asks for in its parent's plan.
fn step(r: &Resource<'_>) -> (i32, i64) {
    let phase = if r.argo.is_hook {
        r.argo.phases.first().copied().unwrap_or(Phase::Sync)
    } else {
        Phase::Sync
    };
    (phase.rank(), r.argo.wave)
}

/// Does `first` finish syncing (Healthy) before the parent starts `then`? Only when both are
/// children of the same parent, `first` in an earlier step, and the instance gives Applications
/// a health check (without one the parent does not wait for a child).
pub fn synced_before(m: &Model<'_>, first: AppId, then: AppId) -> bool {
    if !matches!(m.instance.app_health, Fact::Yes(_)) {
        return false;
    }
    let (a, b) = (&m.apps[first], &m.apps[then]);
    let (Some(ra), Some(rb)) = (a.application, b.application) else {
        return false;
    };
    a.parent.is_some() && a.parent == b.parent && step(&m.resources[ra]) < step(&m.resources[rb])
}
