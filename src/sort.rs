//! One sort for the whole crate. Every `sort_by` of the standard library
//! is compiled anew for each element type and each comparison closure, and
//! with two dozen call sites the copies were the largest single part of
//! the wasm code (about 80 KB of 700 KB). Here the standard stable sort is
//! compiled once, over positions with a comparison behind a reference, and
//! each caller's vector is then put in that order in place.
//!
//! The order is the one `slice::sort_by` gives: stable, so equal elements
//! keep their order.

use std::cmp::Ordering;

/// The positions `0..n` in stable order by `cmp` over positions: the one
/// place the standard sort is compiled. Empty when they are in order
/// already, as most lists sorted here are (spans, atoms, hits), so that
/// those cost no allocation.
#[inline(never)]
fn order(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<u32> {
    if (1..n).all(|i| cmp(i - 1, i) != Ordering::Greater) {
        return Vec::new();
    }
    let mut at: Vec<u32> = (0..n as u32).collect();
    at.sort_by(|&a, &b| cmp(a as usize, b as usize));
    at
}

/// Puts `v` in the order `at` gives (`v[k]` becomes the old `v[at[k]]`),
/// following each cycle of the permutation with swaps; none for an empty `at`.
fn permute<T>(v: &mut [T], mut at: Vec<u32>) {
    for i in 0..at.len() {
        let mut cur = i;
        loop {
            let next = at[cur] as usize;
            at[cur] = cur as u32;
            if next == i {
                break;
            }
            v.swap(cur, next);
            cur = next;
        }
    }
}

/// Sorts `v` stably by `cmp`, as `slice::sort_by` does.
pub(crate) fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let at = {
        let s = &*v;
        order(s.len(), &mut |a, b| cmp(&s[a], &s[b]))
    };
    permute(v, at);
}

/// Sorts `v` stably by `key`, as `slice::sort_by_key` does.
pub(crate) fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` stably by `key`, as `slice::sort_by_key` does, for keys that
/// are small numbers (a count, a rank): counted, not compared, when the
/// largest key is at most a few times the length.
pub(crate) fn sort_by_small_key<T>(v: &mut [T], key: impl Fn(&T) -> usize) {
    let keys: Vec<usize> = v.iter().map(&key).collect();
    let top = keys.iter().copied().max().unwrap_or(0);
    if top > 4 * v.len() + 64 {
        return sort_by_key(v, key);
    }
    // Where each key's run begins, then each position in turn.
    let mut start = vec![0u32; top + 2];
    for &k in &keys {
        start[k + 1] += 1;
    }
    for k in 1..start.len() {
        start[k] += start[k - 1];
    }
    let mut at = vec![0u32; v.len()];
    for (i, &k) in keys.iter().enumerate() {
        at[start[k] as usize] = i as u32;
        start[k] += 1;
    }
    permute(v, at);
}

/// Sorts `v`, as `slice::sort` does.
pub(crate) fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_order_as_the_standard_stable_sort() {
        // Pseudo-random pairs with many ties on the key.
        let mut x = 12345u64;
        for n in [0usize, 1, 2, 3, 7, 64, 1000] {
            let v: Vec<(u8, u32)> = (0..n as u32)
                .map(|i| {
                    x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    ((x >> 60) as u8, i)
                })
                .collect();
            let mut mine = v.clone();
            let mut std = v.clone();
            sort_by_key(&mut mine, |p| p.0);
            std.sort_by_key(|p| p.0);
            assert_eq!(mine, std, "n = {n}");
            // A list in order already, ties and all, is left as it is; one
            // pair out of order at its end is not.
            let mut again = std.clone();
            sort_by_key(&mut again, |p| p.0);
            assert_eq!(again, std, "n = {n}, in order");
            if let Some(k) = (1..n).rev().find(|&k| std[k - 1].0 != std[k].0) {
                let mut swapped = std.clone();
                swapped.swap(k - 1, k);
                let mut reference = swapped.clone();
                reference.sort_by_key(|p| p.0);
                sort_by_key(&mut swapped, |p| p.0);
                assert_eq!(swapped, reference, "n = {n}, one pair swapped");
            }
            let mut counted = v.clone();
            sort_by_small_key(&mut counted, |p| usize::from(p.0));
            assert_eq!(counted, std, "n = {n}, counted");
            // Keys too large to count are compared.
            let mut large = v.clone();
            sort_by_small_key(&mut large, |p| usize::from(p.0) << 20);
            assert_eq!(large, std, "n = {n}, large keys");
            let mut mine = v.clone();
            let mut std = v;
            sort_by(&mut mine, |a, b| b.cmp(a));
            std.sort_by(|a, b| b.cmp(a));
            assert_eq!(mine, std);
        }
    }
}
