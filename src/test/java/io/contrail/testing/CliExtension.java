package io.contrail.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The end-to-end set-up: each test gets a {@link CliProcess} on a fresh CONTRAIL_HOME in a
 * temporary folder — in its {@code CliProcess} fields, and in any parameter of that type; after
 * the test every background command it started is killed (with the task processes it knew of)
 * and the home is deleted.
 *
 * <pre>
 * {@literal @}ExtendWith(CliExtension.class)
 * class SchedulerE2eTest {
 *   CliProcess cli;
 *   {@literal @}Test void triggerIsPickedUp() { cli.ok("dags", "trigger", "x"); }
 * }
 * </pre>
 */
public final class CliExtension implements ParameterResolver, BeforeEachCallback, AfterEachCallback {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(CliExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == CliProcess.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return cli(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IllegalAccessException {
    Object test = context.getRequiredTestInstance();
    for (Field f : test.getClass().getDeclaredFields()) {
      if (f.getType() == CliProcess.class && !Modifier.isStatic(f.getModifiers())) {
        f.setAccessible(true);
        f.set(test, cli(context));
      }
    }
  }

  private static CliProcess cli(ExtensionContext context) {
    return context.getStore(NAMESPACE).getOrComputeIfAbsent("cli", key -> {
      try {
        return new CliProcess(Files.createTempDirectory("contrail-e2e-"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, CliProcess.class);
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    CliProcess cli = context.getStore(NAMESPACE).remove("cli", CliProcess.class);
    if (cli == null) {
      return;
    }
    cli.close();
    try (Stream<Path> files = Files.walk(cli.home())) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
