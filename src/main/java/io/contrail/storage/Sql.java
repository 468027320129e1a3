package io.contrail.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The little JDBC the stores need: one connection per operation or per transaction, instants
 * bound as UTC timestamps with time zone, SQLException wrapped once into {@link StorageException}.
 */
public final class Sql {

  /** Maps the current row of a result set. */
  @FunctionalInterface
  public interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /** Work done inside one transaction. */
  @FunctionalInterface
  public interface TxWork<T> {
    T run(Tx tx) throws SQLException;
  }

  private final DataSource dataSource;

  public Sql(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public int update(String sql, Object... args) {
    return inTransaction(tx -> tx.update(sql, args));
  }

  public <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) {
    return inTransaction(tx -> tx.query(sql, mapper, args));
  }

  public <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... args) {
    List<T> rows = query(sql, mapper, args);
    // An aggregate over no rows (MAX of nothing) gives one row that maps to null: nothing found.
    return rows.isEmpty() ? Optional.empty() : Optional.ofNullable(rows.get(0));
  }

  public <T> T inTransaction(TxWork<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(new Tx(c));
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StorageException("database error: " + e.getMessage(), e);
    }
  }

  /** Statements on one open connection, committed together by {@link #inTransaction}. */
  public static final class Tx {
    private final Connection connection;

    Tx(Connection connection) {
      this.connection = connection;
    }

    public int update(String sql, Object... args) throws SQLException {
      try (PreparedStatement ps = connection.prepareStatement(sql)) {
        bind(ps, args);
        return ps.executeUpdate();
      }
    }

    /** Runs one statement for every argument row as a JDBC batch; returns the summed counts. */
    public int batch(String sql, List<Object[]> rows) throws SQLException {
      if (rows.isEmpty()) {
        return 0;
      }
      try (PreparedStatement ps = connection.prepareStatement(sql)) {
        for (Object[] row : rows) {
          bind(ps, row);
          ps.addBatch();
        }
        int total = 0;
        for (int n : ps.executeBatch()) {
          total += Math.max(n, 0);
        }
        return total;
      }
    }

    /** A JDBC batch; the update count of every row, in order. */
    public int[] batchCounts(String sql, List<Object[]> rows) throws SQLException {
      try (PreparedStatement ps = connection.prepareStatement(sql)) {
        for (Object[] row : rows) {
          bind(ps, row);
          ps.addBatch();
        }
        return ps.executeBatch();
      }
    }

    /**
     * One query prepared once and run for every argument row, the rows of all in order: many
     * lookups by key without a statement (or an IN list to parse and scan) per lookup.
     */
    public <T> List<T> queryEach(String sql, RowMapper<T> mapper, List<Object[]> argRows) throws SQLException {
      List<T> out = new ArrayList<>();
      if (argRows.isEmpty()) {
        return out;
      }
      try (PreparedStatement ps = connection.prepareStatement(sql)) {
        for (Object[] args : argRows) {
          bind(ps, args);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(mapper.map(rs));
            }
          }
        }
      }
      return out;
    }

    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) throws SQLException {
      try (PreparedStatement ps = connection.prepareStatement(sql)) {
        bind(ps, args);
        try (ResultSet rs = ps.executeQuery()) {
          List<T> out = new ArrayList<>();
          while (rs.next()) {
            out.add(mapper.map(rs));
          }
          return out;
        }
      }
    }

    public long insertReturningId(String sql, Object... args) throws SQLException {
      try (PreparedStatement ps = connection.prepareStatement(sql, new String[] {"id"})) {
        bind(ps, args);
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          keys.next();
          return keys.getLong(1);
        }
      }
    }
  }

  static void bind(PreparedStatement ps, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a instanceof Instant instant) {
        ps.setObject(i + 1, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
      } else if (a instanceof Null n) {
        ps.setNull(i + 1, n.sqlType);
      } else if (a == null) {
        ps.setNull(i + 1, Types.VARCHAR);
      } else {
        ps.setObject(i + 1, a);
      }
    }
  }

  /** A duplicate primary key or unique value: SQLSTATE 23505 on both H2 and PostgreSQL. */
  public static boolean isUniqueViolation(SQLException e) {
    return "23505".equals(e.getSQLState());
  }

  /** A typed SQL NULL, for columns where a VARCHAR null would not do (PostgreSQL is strict). */
  public record Null(int sqlType) {}

  public static Object ts(Instant instant) {
    return instant == null ? new Null(Types.TIMESTAMP_WITH_TIMEZONE) : instant;
  }

  public static Object num(Number n) {
    return n == null ? new Null(Types.BIGINT) : n;
  }

  public static Object integer(Integer n) {
    return n == null ? new Null(Types.INTEGER) : n;
  }

  public static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  public static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }

  public static Integer nullableInt(ResultSet rs, String column) throws SQLException {
    int v = rs.getInt(column);
    return rs.wasNull() ? null : v;
  }
}
