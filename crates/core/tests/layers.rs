//! The guard on core's layers: every `crate::…` path between core's
//! top-level modules must be an edge that docs/architecture.md ("Layers
//! inside core") allows, and the allowed edges must form no cycle. A new
//! import that reaches up a layer fails here, naming the file.
#![allow(clippy::expect_used, clippy::panic)]
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Items re-exported at the crate root, mapped to the module defining them.
const ROOT_ITEMS: &[(&str, &str)] = &[
    ("AppState", "state"),
    ("Config", "config"),
    ("Error", "error"),
    ("Result", "error"),
];

type Graph = BTreeMap<String, BTreeSet<String>>;

fn core_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The `pub mod x;` lines of lib.rs.
fn top_level_modules() -> Vec<String> {
    let lib = fs::read_to_string(core_src().join("lib.rs")).expect("lib.rs");
    lib.lines()
        .filter_map(|line| line.trim().strip_prefix("pub mod "))
        .filter_map(|rest| rest.strip_suffix(';'))
        .map(str::to_owned)
        .collect()
}

fn rust_files(module: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let file = core_src().join(format!("{module}.rs"));
    if file.is_file() {
        files.push(file);
    }
    let mut dirs = vec![core_src().join(module)];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files
}

/// The source without comment lines (doc links are not dependencies).
fn code_of(path: &Path) -> String {
    fs::read_to_string(path)
        .expect("readable source")
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn ident_at(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The first segment of each path inside a `use crate::{…}` group.
fn group_heads(group: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut at_start = true;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => at_start = true,
            c if at_start && (c.is_ascii_alphabetic() || c == '_') => {
                heads.push(ident_at(&group[i..]).to_owned());
                at_start = false;
            }
            _ => {}
        }
    }
    heads
}

/// Every top-level name a piece of code reaches through `crate::`.
fn crate_paths(code: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            let mut depth = 1;
            let end = group
                .char_indices()
                .find_map(|(i, c)| {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        _ => {}
                    }
                    (depth == 0).then_some(i)
                })
                .unwrap_or(group.len());
            names.extend(group_heads(&group[..end]));
        } else {
            names.push(ident_at(after).to_owned());
        }
        rest = after;
    }
    names
}

/// The edges the code has, with one file that makes each.
fn actual_edges(modules: &[String]) -> BTreeMap<(String, String), PathBuf> {
    let known: BTreeSet<&str> = modules.iter().map(String::as_str).collect();
    let mut edges = BTreeMap::new();
    for module in modules {
        for file in rust_files(module) {
            for name in crate_paths(&code_of(&file)) {
                let target = ROOT_ITEMS
                    .iter()
                    .find(|(item, _)| *item == name)
                    .map_or(name.as_str(), |(_, module)| module);
                if target != module && known.contains(target) {
                    edges
                        .entry((module.clone(), target.to_owned()))
                        .or_insert_with(|| file.clone());
                }
            }
        }
    }
    edges
}

/// The allowed edges: the `text` block after the "Layers inside core"
/// heading, one `module: dependency dependency …` line per module.
fn allowed_edges() -> Graph {
    let doc = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/architecture.md");
    let doc = fs::read_to_string(doc).expect("docs/architecture.md");
    let section = doc
        .split("## Layers inside core")
        .nth(1)
        .expect("docs/architecture.md has a section \"Layers inside core\"");
    let block = section
        .split("```text allowed-edges")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("the section has a ```text allowed-edges block");
    let mut graph = Graph::new();
    for line in block.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (module, deps) = line
            .split_once(':')
            .unwrap_or_else(|| panic!("allowed-edges line without ':': {line}"));
        let entry = graph.entry(module.trim().to_owned()).or_default();
        entry.extend(deps.split_whitespace().map(str::to_owned));
    }
    graph
}

/// A cycle in `graph`, if it has one.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &Graph,
        done: &mut BTreeSet<String>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, done, path) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut done, &mut Vec::new()))
}

#[test]
fn the_allowed_layers_have_no_cycle() {
    if let Some(cycle) = find_cycle(&allowed_edges()) {
        panic!("docs/architecture.md allows a cycle: {}", cycle.join(" → "));
    }
}

#[test]
fn every_module_is_placed_in_a_layer() {
    let allowed = allowed_edges();
    let unplaced: Vec<String> = top_level_modules()
        .into_iter()
        .filter(|m| !allowed.contains_key(m))
        .collect();
    assert!(
        unplaced.is_empty(),
        "modules missing from docs/architecture.md's allowed edges: {unplaced:?}"
    );
}

#[test]
fn core_modules_import_only_what_the_layers_allow() {
    let modules = top_level_modules();
    let allowed = allowed_edges();
    let forbidden: Vec<String> = actual_edges(&modules)
        .into_iter()
        .filter(|((from, to), _)| !allowed.get(from).is_some_and(|deps| deps.contains(to)))
        .map(|((from, to), file)| {
            let file = file.strip_prefix(core_src()).unwrap_or(&file).display();
            format!("{from} → {to} (in {file})")
        })
        .collect();
    assert!(
        forbidden.is_empty(),
        "imports the layers in docs/architecture.md do not allow:\n  {}",
        forbidden.join("\n  ")
    );
}

#[test]
fn the_path_scanner_sees_grouped_and_nested_imports() {
    let code = "use crate::{live, urls::{a, b}, AppState};\nfn f() { crate::jobs::enqueue(); }";
    let mut names = crate_paths(code);
    names.sort();
    assert_eq!(names, ["AppState", "jobs", "live", "urls"]);
}

#[test]
fn a_cycle_in_the_allowed_edges_is_found() {
    let mut graph = Graph::new();
    graph.insert("a".into(), ["b".to_owned()].into());
    graph.insert("b".into(), ["a".to_owned()].into());
    assert!(find_cycle(&graph).is_some());
    graph.insert("b".into(), BTreeSet::new());
    assert!(find_cycle(&graph).is_none());
}
