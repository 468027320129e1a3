package io.contrail.storage;

/** A database error, wrapped once at the storage edge so callers need not handle SQLException. */
public final class StorageException extends RuntimeException {
  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
