package io.contrail.dag;

import io.contrail.api.Dag;
import io.contrail.api.DagFactory;
import io.contrail.api.TaskDefinition;
import io.contrail.api.TaskSpec;
import java.util.List;

/** A {@link DagFactory} that test jars name in their service file; lives in the test classpath. */
public final class TestDagFactory implements DagFactory {
  @Override
  public List<Dag> createDags() {
    return List.of(Dag.builder("from_jar").description("built in Java").schedule("@daily")
        .maxActiveRuns(1).maxActiveTasks(4).tags("java")
        .task(TaskDefinition.builder("hello", TaskSpec.shell("echo hi")))
        .task(TaskDefinition.builder("done", TaskSpec.noop()).dependsOn("hello"))
        .build());
  }
}
