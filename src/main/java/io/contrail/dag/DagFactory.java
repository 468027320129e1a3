package io.contrail.dag;

import java.util.List;

/**
 * The Java API for DAGs: implementations are found with {@link java.util.ServiceLoader} in jars
 * placed in {@code dags_folder} (declared in {@code META-INF/services/io.contrail.dag.DagFactory}).
 * The DAGs they return are held to the same rules as YAML DAGs.
 */
public interface DagFactory {
  List<Dag> createDags();
}
