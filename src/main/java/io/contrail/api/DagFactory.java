package io.contrail.api;

import java.util.List;

/**
 * The Java API for DAGs: implementations are found with {@link java.util.ServiceLoader} in jars
 * placed in {@code dags_folder} (declared in {@code META-INF/services/io.contrail.api.DagFactory}).
 * The DAGs they return, built with {@link Dag#builder}, are held to the same rules as YAML DAGs.
 */
public interface DagFactory {
  List<Dag> createDags();
}
