package io.contrail.cli;

import io.contrail.config.ConfigException;
import io.contrail.run.Ids;
import io.contrail.secrets.ProcessMasking;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * What a command that failed exits with, and the one line it prints: 2 for bad input or
 * configuration (the message names what and where), 3 when the environment is not usable (the
 * database cannot be reached, a port is taken, the disk is full: the line gives the cause), and 70
 * ({@code EX_SOFTWARE}) for anything else — a bug, whose stack trace goes to the log file and to
 * the terminal only with {@code --verbose}. Exit code 1 (the run or check failed) is returned by
 * the commands themselves.
 */
final class ExitCodes {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int BAD_INPUT = 2;
  static final int ENVIRONMENT = 3;
  static final int INTERNAL = 70;

  /** Internal errors go to the log file only; the terminal gets one line (see ProcessLogging). */
  private static final Logger ERRORS = LoggerFactory.getLogger(ProcessLogging.ERRORS_LOGGER);

  private ExitCodes() {}

  /** A failure sorted into its exit code, with the line to print. */
  record Failure(int exitCode, String message) {}

  /** Picocli's execution exception handler: one line on stderr, and the exit code of its kind. */
  static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    Failure f = classify(e);
    String command = commandName(cmd);
    if (f.exitCode() == INTERNAL) {
      ERRORS.error("internal error in `{}`", command, e);
      err.println("error: internal error in `" + command + "`: " + ProcessMasking.mask(oneLine(e)) + " ("
          + ProcessLogging.whereStackTracesGo() + ")");
    } else {
      ERRORS.debug("`{}` failed", command, e);
      // a failing URL or a connection string may carry a password
      err.println("error: " + ProcessMasking.mask(f.message()));
    }
    if (verbose(parsed)) {
      e.printStackTrace(err);
    }
    err.flush();
    return f.exitCode();
  }

  /** Picocli's parameter exception handler: the mistake and where to read more, exit code 2. */
  static int badUsage(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("error: " + ProcessMasking.mask(e.getMessage()) + " (see `" + commandName(cmd) + " --help`)");
    err.flush();
    return BAD_INPUT;
  }

  static Failure classify(Throwable e) {
    if (e instanceof Main.UserError || e instanceof ConfigException || e instanceof Ids.InvalidIdException
        || e instanceof io.contrail.operations.OperationException) {
      return new Failure(BAD_INPUT, oneLine(e.getMessage()));
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException) {
        return new Failure(ENVIRONMENT, "a port is already in use: " + oneLine(e.getMessage()));
      }
      if (t instanceof AccessDeniedException denied) {
        return new Failure(ENVIRONMENT, "permission denied: " + denied.getFile());
      }
      if (t instanceof java.io.IOException && String.valueOf(t.getMessage()).contains("No space left on device")) {
        return new Failure(ENVIRONMENT, "no space left on device: " + oneLine(e.getMessage()));
      }
      if (isConnectionFailure(t)) {
        return new Failure(ENVIRONMENT, oneLine(messageWithCause(e, t)));
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("28")) {
        // 28xxx: invalid authorization — the configured user or password
        return new Failure(BAD_INPUT, oneLine(messageWithCause(e, t))
            + " (check [database] user and password)");
      }
    }
    return new Failure(INTERNAL, oneLine(e));
  }

  private static boolean isConnectionFailure(Throwable t) {
    if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException
        || t instanceof SQLTransientConnectionException) {
      return true;
    }
    if (t.getClass().getName().equals("com.zaxxer.hikari.pool.HikariPool$PoolInitializationException")) {
      return true;
    }
    if (t instanceof SQLException sql) {
      String state = sql.getSQLState();
      // 08xxx: connection exception; 3D000: the database does not exist; H2's 90020: file in use
      return state != null && (state.startsWith("08") || state.equals("3D000") || state.equals("90020"));
    }
    return false;
  }

  /** The outer message, plus the root cause's when the outer one does not already say it. */
  private static String messageWithCause(Throwable outer, Throwable cause) {
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String o = String.valueOf(outer.getMessage());
    String r = String.valueOf(root.getMessage());
    return o.contains(r) ? o : o + ": " + r;
  }

  static String oneLine(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getName() + (message == null ? "" : ": " + oneLine(message));
  }

  static String oneLine(String message) {
    if (message == null) {
      return "";
    }
    String s = message.strip();
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl).strip();
  }

  static String commandName(CommandLine cmd) {
    return cmd.getCommandSpec().qualifiedName(" ");
  }

  private static boolean verbose(CommandLine.ParseResult parsed) {
    return parsed != null && parsed.originalArgs().contains("--verbose");
  }
}
