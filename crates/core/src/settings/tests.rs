//! The mechanism on a small section of its own.

use super::{FlagValues, Layered, Origin, Style, check};

crate::settings! {
    /// `[demo]`
    file DemoFile, layer DemoLayer, values DemoValues;
    table "demo", style Quoted;
    /// Attempts.
    attempts: Option<u32> => u64, check |g| check::whole(g, 1, 50, "attempts"), default "10" => 10;
        { flag: Some("attempts"), env: Some("S3SCOPE_TEST_DEMO_ATTEMPTS"), example: "10" }
    /// A name.
    name: Option<String> => String, check check::text;
        { flag: Some("name"), example: "\"x\"" }
}

#[test]
fn flag_beats_file_beats_default_and_errors_name_the_origin() {
    let file = DemoFile {
        attempts: Some(7),
        name: Some("f".into()),
    };
    let own = DemoFile {
        attempts: Some(4),
        name: None,
    };
    let mut flags = FlagValues::new();
    let files = [("own".to_string(), &own), ("demo".to_string(), &file)];
    let v = DemoLayer::layered(&flags, &files).unwrap().fill();
    assert_eq!((v.attempts, v.name.as_deref()), (4, Some("f")));
    assert_eq!(DemoLayer::default().fill().attempts, 10);
    flags.set("attempts", "12");
    let v = DemoLayer::layered(&flags, &files).unwrap().fill();
    assert_eq!(v.attempts, 12);
    flags.set("attempts", "0");
    assert_eq!(
        DemoLayer::layered(&flags, &files).unwrap_err(),
        "--attempts `0`: must be a whole number of attempts from 1 to 50"
    );
    let bad = DemoFile {
        attempts: Some(99),
        name: None,
    };
    let e = DemoLayer::layered(&FlagValues::new(), &[("demo".into(), &bad)]).unwrap_err();
    assert!(e.starts_with("demo.attempts `99`"), "{e}");
    DemoLayer::check_defaults().unwrap();
}

#[test]
fn the_table_gives_the_example_block() {
    let s = DemoLayer::SECTION;
    assert_eq!(s.style, Style::Quoted);
    assert_eq!(
        s.example("demo"),
        "[demo]\n# Attempts. Default 10.\nattempts = 10\n# A name.\nname = \"x\"\n"
    );
    assert_eq!(
        s.get("attempts").unwrap().help(),
        "Attempts [default 10; env $S3SCOPE_TEST_DEMO_ATTEMPTS]"
    );
    assert_eq!(Origin::Env("X").to_string(), "$X");
}
