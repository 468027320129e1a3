package io.contrail.dag;

import java.util.List;

/** A {@link DagFactory} that test jars name in their service file; lives in the test classpath. */
public final class TestDagFactory implements DagFactory {
  @Override
  public List<Dag> createDags() {
    TaskDefinition hello = TaskDefinition.builder("hello", TaskType.SHELL).command("echo hi").build();
    TaskDefinition done = TaskDefinition.builder("done", TaskType.NOOP).dependsOn("hello").build();
    return List.of(new Dag("from_jar", "built in Java", "@daily", null, false, null, 1, 4,
        List.of("java"), List.of(hello, done), null));
  }
}
