package io.contrail.secrets;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * An immutable set of secret values (each at least {@value #PREFIX} characters long) that finds and
 * replaces all of them in one pass over a text. At each position it reads one array slot (the
 * lengths of the values starting with that character, bucketed), then looks the next
 * {@value #PREFIX} characters up in a hash set of the values' prefixes, and only then the text at
 * each of those lengths, longest first, in the set of values. A line therefore costs a few hash
 * look-ups per character however many secrets are registered, even when thousands share a prefix
 * (a regular expression alternation, or a scan of every value starting with that character,
 * would try each one at every position).
 */
final class ValueIndex {
  static final int PREFIX = SecretsMasker.MIN_LENGTH;
  static final ValueIndex EMPTY = new ValueIndex(List.of());

  private final int[][] lengthsByFirstChar;
  private final int mask;
  private final Set<String> values;
  private final Set<String> prefixes;

  ValueIndex(Collection<String> all) {
    int n = 64;
    while (n < all.size() * 2 && n < 4096) {
      n <<= 1;
    }
    this.mask = n - 1;
    List<TreeSet<Integer>> lengths = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      lengths.add(null);
    }
    this.values = new HashSet<>();
    this.prefixes = new HashSet<>();
    for (String v : all) {
      if (v.length() < PREFIX) {
        continue; // SecretsMasker never registers one; a shorter value would need another look-up
      }
      values.add(v);
      prefixes.add(v.substring(0, PREFIX));
      int b = v.charAt(0) & mask;
      if (lengths.get(b) == null) {
        lengths.set(b, new TreeSet<>());
      }
      lengths.get(b).add(v.length());
    }
    this.lengthsByFirstChar = new int[n][];
    for (int i = 0; i < n; i++) {
      TreeSet<Integer> l = lengths.get(i);
      if (l != null) {
        // longest first: a secret that contains another is replaced whole
        lengthsByFirstChar[i] = l.descendingSet().stream().mapToInt(Integer::intValue).toArray();
      }
    }
  }

  boolean isEmpty() {
    return values.isEmpty();
  }

  /** {@code text} with every occurrence of every value replaced by {@code replacement}. */
  String replace(String text, String replacement) {
    if (values.isEmpty()) {
      return text;
    }
    StringBuilder out = null;
    int copied = 0;
    int n = text.length();
    int i = 0;
    while (i <= n - PREFIX) {
      int hit = match(text, i, n);
      if (hit == 0) {
        i++;
        continue;
      }
      if (out == null) {
        out = new StringBuilder(n);
      }
      out.append(text, copied, i).append(replacement);
      i += hit;
      copied = i;
    }
    return out == null ? text : out.append(text, copied, n).toString();
  }

  /** The length of the longest value at {@code text[i..]}, or 0. */
  private int match(String text, int i, int n) {
    int[] lengths = lengthsByFirstChar[text.charAt(i) & mask];
    if (lengths == null || !prefixes.contains(text.substring(i, i + PREFIX))) {
      return 0;
    }
    for (int length : lengths) {
      if (i + length <= n && values.contains(text.substring(i, i + length))) {
        return length;
      }
    }
    return 0;
  }
}
