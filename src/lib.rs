//! scopecheck: enforce AI coding agents' path scopes, commit style and work logs at the
//! git layer.
//!
//! Layers, from the bottom: [`patterns`] (gitignore-style matching) and [`policy`]
//! (`scopecheck.yml`) know nothing of git; [`git`] turns revisions into changes with hunks and
//! knows nothing of policies; [`identity`] decides who made a change; [`check`] joins a policy
//! and changes into findings; [`report`] renders findings and knows nothing of git; [`cli`] is
//! the thin adapter the binary calls.

pub mod agents;
pub mod change;
pub mod check;
pub mod cli;
pub mod commit_msg;
pub mod error;
pub mod git;
pub mod github;
pub mod guard;
pub mod hooks;
pub mod identity;
pub mod patterns;
pub mod policy;
pub mod report;
pub mod worklog;
pub mod workspace;
