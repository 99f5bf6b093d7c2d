//! Prints the criteria tree of a text file as an indented outline:
//! `cargo run --example criteria_outline -- FILE`.

fn main() {
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).expect("readable file");
        let (tree, diags) = trialsieve::criteria::build(&text);
        println!("== {path}\n{}{diags:?}", trialsieve::criteria::outline(&tree));
    }
}
