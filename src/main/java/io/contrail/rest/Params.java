package io.contrail.rest;

import io.contrail.storage.Listing;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The query parameters of one request, read with Airflow's rules: repeated keys for lists, lax
 * booleans, datetimes with an offset, {@code limit} (default 50, above 100 cut to 100) and
 * {@code offset}, {@code order_by} against the operation's allowed names, and the {@code *_pattern}
 * filters ({@code a|b} = either, {@code ~} = everything). Problems collect as 422 entries until
 * {@link #check} throws them all at once; unknown parameters are ignored, as FastAPI does.
 */
public final class Params {
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 100;
  private static final int MAX_ORDER_BY = 10;

  private final Map<String, List<String>> query;
  private final List<ValidationError> errors = new ArrayList<>();

  Params(Map<String, List<String>> query) {
    this.query = query;
  }

  public static Params of(Context ctx) {
    return new Params(ctx.queryParamMap());
  }

  /** The last value of a parameter, or null when absent. */
  public String text(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(values.size() - 1);
  }

  public List<String> list(String name) {
    return query.getOrDefault(name, List.of());
  }

  public int limit() {
    Long n = integer("limit", DEFAULT_LIMIT, 0L);
    return n == null ? DEFAULT_LIMIT : (int) Math.min(n, MAX_LIMIT);
  }

  public int offset() {
    Long n = integer("offset", 0, 0L);
    return n == null ? 0 : (int) Math.min(n, Integer.MAX_VALUE);
  }

  /** An integer parameter at least {@code min} (null for no minimum); the default when absent. */
  public Long integer(String name, long defaultValue, Long min) {
    String v = text(name);
    if (v == null) {
      return defaultValue;
    }
    return checkedInteger("query", name, v, min);
  }

  private Long checkedInteger(String where, String name, String v, Long min) {
    long n;
    try {
      n = Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      errors.add(ValidationError.of(where, name, "int_parsing",
          "Input should be a valid integer, unable to parse string as an integer", v));
      return null;
    }
    if (min != null && n < min) {
      errors.add(new ValidationError(List.of(where, name), "Input should be greater than or equal to " + min,
          "greater_than_equal", v, Map.of("ge", min)));
      return null;
    }
    return n;
  }

  /** Repeated integer values. */
  public Set<Integer> integers(String name) {
    Set<Integer> out = new LinkedHashSet<>();
    for (String v : list(name)) {
      Long n = checkedInteger("query", name, v, null);
      if (n != null) {
        out.add(n.intValue());
      }
    }
    return out;
  }

  /** A number parameter (float), or null when absent. */
  public Double number(String name) {
    String v = text(name);
    if (v == null) {
      return null;
    }
    try {
      double d = Double.parseDouble(v.strip());
      if (Double.isFinite(d)) {
        return d;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    errors.add(ValidationError.of("query", name, "float_parsing",
        "Input should be a valid number, unable to parse string as a number", v));
    return null;
  }

  /** A boolean parameter, or {@code defaultValue} (which may be null) when absent. */
  public Boolean bool(String name, Boolean defaultValue) {
    String v = text(name);
    if (v == null) {
      return defaultValue;
    }
    return Wire.parseBoolean(v).orElseGet(() -> {
      errors.add(ValidationError.of("query", name, "bool_parsing",
          "Input should be a valid boolean, unable to interpret input", v));
      return defaultValue;
    });
  }

  /** A datetime parameter, or null when absent. */
  public Instant time(String name) {
    String v = text(name);
    if (v == null) {
      return null;
    }
    return Wire.parseTime(v).orElseGet(() -> {
      errors.add(Wire.isNaiveTime(v)
          ? ValidationError.of("query", name, "timezone_aware", "Input should have timezone info", v)
          : ValidationError.of("query", name, "datetime_from_date_parsing",
              "Input should be a valid datetime or date, invalid character in year", v));
      return null;
    });
  }

  /** {@code <prefix>_gte}, {@code _gt}, {@code _lte} and {@code _lt} as datetimes. */
  public Listing.Range<Instant> timeRange(String prefix) {
    return new Listing.Range<>(time(prefix + "_gte"), time(prefix + "_gt"), time(prefix + "_lte"), time(prefix + "_lt"));
  }

  /**
   * The date ranges the list endpoints filter on ({@code logical_date}, {@code run_after},
   * {@code start_date}, {@code end_date}), each as {@link #timeRange}; only those given.
   */
  public <C extends Enum<C>> Map<C, Listing.Range<Instant>> timeRanges(Class<C> type, C logicalDate, C runAfter,
      C startDate, C endDate) {
    Map<C, Listing.Range<Instant>> times = new java.util.EnumMap<>(type);
    Map.of("logical_date", logicalDate, "run_after", runAfter, "start_date", startDate, "end_date", endDate)
        .forEach((name, column) -> {
          Listing.Range<Instant> r = timeRange(name);
          if (!r.isOpen()) {
            times.put(column, r);
          }
        });
    return times;
  }

  /** {@code <prefix>_gte}, {@code _gt}, {@code _lte} and {@code _lt} as numbers. */
  public Listing.Range<Double> numberRange(String prefix) {
    return new Listing.Range<>(number(prefix + "_gte"), number(prefix + "_gt"), number(prefix + "_lte"),
        number(prefix + "_lt"));
  }

  /** Airflow's {@code *_pattern}: {@code a|b} is either, {@code ~} (or absent) is everything. */
  public Listing.Match pattern(String name) {
    String v = text(name);
    if (v == null || v.equals("~") || v.isEmpty()) {
      return Listing.Match.ANY;
    }
    List<String> terms = Arrays.stream(v.split("\\|")).filter(t -> !t.isEmpty()).toList();
    return terms.isEmpty() ? Listing.Match.ANY : new Listing.Match(terms);
  }

  /**
   * Repeated enum values such as {@code state}; an unknown value fails the request with Airflow's
   * message ({@code Invalid value for state. Valid values are ...}), a 422 with a text detail.
   */
  public <T> Set<T> values(String name, Map<String, T> allowed) {
    Set<T> out = new LinkedHashSet<>();
    for (String v : list(name)) {
      T t = allowed.get(v);
      if (t == null && !allowed.containsKey(v)) {
        throw ApiException.invalid("Invalid value for " + name + ". Valid values are "
            + String.join(", ", allowed.keySet()));
      }
      out.add(t);
    }
    return out;
  }

  /**
   * The {@code order_by} values mapped to sort keys: each an allowed name, {@code -} for
   * descending; {@code defaults} when absent. An unknown name, or more than 10, is a 400.
   */
  public <C extends Enum<C>> List<Listing.Sort<C>> orderBy(Map<String, C> allowed, String... defaults) {
    List<String> given = list("order_by");
    if (given.isEmpty()) {
      given = List.of(defaults);
    }
    if (given.size() > MAX_ORDER_BY) {
      throw ApiException.badRequest("Ordering with more than " + MAX_ORDER_BY + " parameters is not allowed");
    }
    List<Listing.Sort<C>> out = new ArrayList<>();
    for (String v : given) {
      boolean descending = v.startsWith("-");
      String attribute = descending ? v.substring(1) : v;
      C column = allowed.get(attribute);
      if (column == null) {
        throw ApiException.badRequest("Ordering with '" + attribute
            + "' is disallowed or the attribute does not exist on the model");
      }
      out.add(new Listing.Sort<>(column, descending));
    }
    return out;
  }

  /** Throws every problem found so far as one 422. */
  public void check() {
    if (!errors.isEmpty()) {
      throw ApiException.invalid(List.copyOf(errors));
    }
  }

  /** A map from names to values, in the order given, for {@link #values} and {@link #orderBy}. */
  @SafeVarargs
  public static <T> Map<String, T> names(Function<T, String> name, T... values) {
    Map<String, T> out = new LinkedHashMap<>();
    for (T v : values) {
      out.put(name.apply(v), v);
    }
    return out;
  }
}
