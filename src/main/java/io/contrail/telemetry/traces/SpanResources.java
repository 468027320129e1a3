package io.contrail.telemetry.traces;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.resources.Resource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;

/**
 * The resource a span built from the database carries: the stored resource of the process that
 * finished its row (so a re-export by any process is byte-identical to the first export), or this
 * process's for rows finished before resources were stored or while tracing was off; with
 * {@code service_per_dag}, with {@code service.name} = the dag_id. Decoded resources are cached:
 * stored ones never change.
 */
final class SpanResources {
  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

  private final Resource process;
  private final boolean servicePerDag;
  private final LongFunction<Optional<String>> stored;
  private final Map<Long, Resource> byId = new ConcurrentHashMap<>();
  private final Map<Resource, Map<String, Resource>> perDag = new ConcurrentHashMap<>();

  /** @param stored the stored attributes of a resource id (see {@link StoredResources}) */
  SpanResources(Resource process, boolean servicePerDag, LongFunction<Optional<String>> stored) {
    this.process = process;
    this.servicePerDag = servicePerDag;
    this.stored = stored;
  }

  /** This process's resource. */
  Resource process() {
    return process;
  }

  /** @param storedId the row's span_resource_id, or null */
  Resource of(Long storedId, String dagId) {
    Resource base = storedId == null ? process
        : byId.computeIfAbsent(storedId, id -> stored.apply(id).map(StoredResources::decode).orElse(process));
    if (!servicePerDag) {
      return base;
    }
    return perDag.computeIfAbsent(base, b -> new ConcurrentHashMap<>())
        .computeIfAbsent(dagId, id -> base.merge(Resource.create(Attributes.of(SERVICE_NAME, id))));
  }
}
