//! The annotated configurations in `examples/` load and validate, so the commands in
//! their headers work when pasted.

use std::path::PathBuf;

use multistore_static_config::{ConfigFormat, StaticProvider};

#[test]
fn every_example_configuration_loads() {
    let examples = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut loaded = 0;
    for entry in std::fs::read_dir(&examples).expect("examples/ exists") {
        let path = entry.expect("readable entry").path();
        let Some(format) = ConfigFormat::from_path(&path) else {
            continue;
        };
        let text = std::fs::read_to_string(&path).expect("readable example");
        // Every `${NAME}` an example references stands for a secret the reader exports.
        let provider = StaticProvider::from_str_with_variables(
            &text,
            &path.display().to_string(),
            format,
            |name| Some(format!("example-{}", name.to_lowercase())),
        )
        .unwrap_or_else(|error| panic!("{error}"));
        assert!(!provider.buckets().is_empty(), "{}", path.display());
        loaded += 1;
    }
    assert!(
        loaded >= 3,
        "expected the example configurations in {}",
        examples.display()
    );
}
