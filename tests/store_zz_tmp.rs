#[test]
fn fs_speed() {
    use std::io::Write;
    let data = vec![7u8; 9000];
    let dir = tempfile::tempdir().unwrap();
    let t = std::time::Instant::now();
    let mut f = std::fs::File::create(dir.path().join("pack")).unwrap();
    for _ in 0..8000 { f.write_all(&data).unwrap(); }
    println!("8000 appends: {:?}", t.elapsed());
    let t = std::time::Instant::now();
    for i in 0..8000 { std::fs::File::create(dir.path().join(i.to_string())).unwrap(); }
    println!("8000 empty creates: {:?}", t.elapsed());
    let t = std::time::Instant::now();
    for i in 0..8000 { std::fs::create_dir_all(dir.path().join("x")).unwrap(); let _ = i; }
    println!("8000 create_dir_all existing: {:?}", t.elapsed());
    let t = std::time::Instant::now();
    for i in 0..8000 { let _ = std::fs::metadata(dir.path().join(i.to_string())); }
    println!("8000 stats: {:?}", t.elapsed());
}
