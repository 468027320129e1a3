package io.contrail.cli;

import io.contrail.rest.auth.Accounts;
import io.contrail.roles.ApiServerProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code api-server}: the REST API alone (standalone includes it); {@code --hash-password} makes an [api] users entry. */
@Command(name = "api-server",
    description = "Serve the REST API (Airflow's REST API v2) alone; standalone includes it.")
final class ApiServerCommand implements Callable<Integer> {
  @Option(names = "--port", paramLabel = "PORT", description = "Listen on this port instead of [api] port.") Integer port;
  @Option(names = "--hash-password", description = "Read a password from stdin, print its bcrypt hash for"
      + " [api] users (name:role:hash) and exit.") boolean hashPassword;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (hashPassword) {
      String password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      if (password == null || password.isEmpty()) {
        throw new Main.UserError("--hash-password reads the password from the first line of stdin; it was empty");
      }
      spec.commandLine().getOut().println(Accounts.hash(password));
      spec.commandLine().getOut().flush();
      return 0;
    }
    return ApiServerProcess.run(Main.env(spec), port, System.out);
  }
}
