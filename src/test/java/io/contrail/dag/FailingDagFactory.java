package io.contrail.dag;

import io.contrail.api.Dag;
import io.contrail.api.DagFactory;
import io.contrail.api.TaskDefinition;
import io.contrail.api.TaskSpec;
import java.util.List;

/** A {@link DagFactory} whose DAG is invalid: its error must stay inside its own jar. */
public final class FailingDagFactory implements DagFactory {
  @Override
  public List<Dag> createDags() {
    return List.of(Dag.builder("broken_in_java")
        .task(TaskDefinition.builder("orphan", TaskSpec.noop()).dependsOn("ghost"))
        .build());
  }
}
