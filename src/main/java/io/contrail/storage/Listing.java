package io.contrail.storage;

import java.util.List;
import java.util.Objects;

/**
 * What every listing query shares: the page (limit, offset), the sort keys of the listing's column
 * type {@code C} (an enum each store maps to SQL itself, so no text from a request ever becomes
 * SQL), and the value types of filters: a case-insensitive substring {@link Match} and a
 * {@link Range} on a column.
 */
public final class Listing {
  private Listing() {}

  /** One sort key; the listing's primary key is appended after the last one. */
  public record Sort<C extends Enum<C>>(C column, boolean descending) {
    public Sort {
      Objects.requireNonNull(column, "column");
    }
  }

  /**
   * Airflow's {@code *_pattern} filters: any of {@code terms} is a case-insensitive substring of
   * the column, with {@code %} and {@code _} as SQL wildcards. An empty list matches everything.
   */
  public record Match(List<String> terms) {
    public static final Match ANY = new Match(List.of());

    public Match {
      terms = List.copyOf(terms);
    }

    public boolean matchesEverything() {
      return terms.isEmpty();
    }
  }

  /**
   * Bounds on a timestamp column ({@code Instant}) or a number ({@code Double}): each null bound is
   * no bound, and a row whose column is null matches no bound.
   */
  public record Range<T>(T gte, T gt, T lte, T lt) {
    public boolean isOpen() {
      return gte == null && gt == null && lte == null && lt == null;
    }
  }
}
