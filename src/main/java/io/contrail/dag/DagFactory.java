package io.contrail.dag;

/**
 * The name DAG jars were built against before the Java API moved to {@code io.contrail.api}: a
 * jar listing its factory in {@code META-INF/services/io.contrail.dag.DagFactory} still loads.
 *
 * @deprecated implement {@link io.contrail.api.DagFactory} instead
 */
@Deprecated
public interface DagFactory extends io.contrail.api.DagFactory {}
