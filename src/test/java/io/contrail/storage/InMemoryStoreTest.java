package io.contrail.storage;

import io.contrail.storage.memory.InMemoryStores;

/**
 * The behaviour half of the storage contract on the in-memory fakes: the scheduler's tests run
 * over them, so they must keep every promise the JDBC stores keep.
 */
class InMemoryStoreTest extends StoreContract {
  @Override
  protected Stores openStores() {
    return InMemoryStores.create();
  }
}
