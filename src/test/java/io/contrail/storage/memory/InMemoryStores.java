package io.contrail.storage.memory;

import io.contrail.storage.Stores;

/** The in-memory fakes of every store, wired together as the JDBC ones are on one database. */
public final class InMemoryStores {
  private InMemoryStores() {}

  public static Stores create() {
    InMemoryJobStore jobs = new InMemoryJobStore();
    InMemoryRunStore runs = new InMemoryRunStore(jobs);
    return new Stores(new InMemoryDagStore(), runs, new InMemoryPoolStore(runs), jobs);
  }
}
