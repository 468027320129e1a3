package io.contrail.dag;

import java.util.List;

/** A {@link DagFactory} whose DAG is invalid: its error must stay inside its own jar. */
public final class FailingDagFactory implements DagFactory {
  @Override
  public List<Dag> createDags() {
    TaskDefinition orphan = TaskDefinition.builder("orphan", TaskType.NOOP).dependsOn("ghost").build();
    return List.of(new Dag("broken_in_java", null, null, null, false, null, 0, 0, null,
        List.of(orphan), null));
  }
}
