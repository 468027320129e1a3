package io.contrail.storage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Builds the WHERE and ORDER BY of a listing query from its filters: every value is a bind
 * argument and every column name comes from the store's own code, never from a request.
 */
final class Where {
  private final List<String> clauses = new ArrayList<>();
  private final List<Object> args = new ArrayList<>();

  /** A condition with its bind arguments. */
  Where add(String clause, Object... values) {
    clauses.add(clause);
    args.addAll(List.of(values));
    return this;
  }

  /** Any of the match's terms is a case-insensitive substring of {@code column} ({@code %} and {@code _} are wildcards). */
  Where match(String column, Listing.Match match) {
    if (match == null || match.matchesEverything()) {
      return this;
    }
    List<String> ors = new ArrayList<>();
    for (String term : match.terms()) {
      ors.add("LOWER(" + column + ") LIKE ?");
      args.add("%" + term.toLowerCase(Locale.ROOT) + "%");
    }
    clauses.add("(" + String.join(" OR ", ors) + ")");
    return this;
  }

  /** {@code column IN (...)}; an empty collection adds nothing (no filter). */
  Where in(String column, Collection<String> values) {
    if (values == null || values.isEmpty()) {
      return this;
    }
    clauses.add(column + " IN (" + values.stream().map(v -> "?").collect(Collectors.joining(",")) + ")");
    args.addAll(values);
    return this;
  }

  /** The range's bounds on {@code expression}; a null value never satisfies a bound. */
  Where range(String expression, Listing.Range<?> range) {
    if (range == null || range.isOpen()) {
      return this;
    }
    bound(expression, ">=", range.gte());
    bound(expression, ">", range.gt());
    bound(expression, "<=", range.lte());
    bound(expression, "<", range.lt());
    return this;
  }

  private void bound(String expression, String op, Object value) {
    if (value != null) {
      clauses.add(expression + " " + op + " ?");
      args.add(value);
    }
  }

  String sql() {
    return clauses.isEmpty() ? "" : " WHERE " + String.join(" AND ", clauses);
  }

  Object[] args() {
    return args.toArray();
  }

  /** These arguments followed by {@code more}, for a query whose page bounds come last. */
  Object[] argsThen(Object... more) {
    List<Object> all = new ArrayList<>(args);
    all.addAll(List.of(more));
    return all.toArray();
  }

  /**
   * ORDER BY the sort keys, then the listing's primary key columns as tie-breakers in the direction
   * of the first key (as Airflow does), so pages never overlap. Nulls of a {@code nullable} column
   * sort last ascending and first descending on both databases (PostgreSQL's default; H2's differs).
   */
  static <C extends Enum<C>> String orderBy(List<Listing.Sort<C>> sort, Function<C, String> column,
      Predicate<C> nullable, String... primaryKey) {
    List<String> parts = new ArrayList<>();
    boolean firstDescending = !sort.isEmpty() && sort.get(0).descending();
    for (Listing.Sort<C> s : sort) {
      String nulls = !nullable.test(s.column()) ? "" : s.descending() ? " NULLS FIRST" : " NULLS LAST";
      parts.add(column.apply(s.column()) + (s.descending() ? " DESC" : " ASC") + nulls);
    }
    for (String pk : primaryKey) {
      parts.add(pk + (firstDescending ? " DESC" : " ASC"));
    }
    return " ORDER BY " + String.join(", ", parts);
  }

  /** OFFSET and FETCH FIRST, understood by H2 and PostgreSQL. */
  static String page() {
    return " OFFSET ? ROWS FETCH FIRST ? ROWS ONLY";
  }
}
