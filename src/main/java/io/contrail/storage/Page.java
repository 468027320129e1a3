package io.contrail.storage;

import java.util.List;

/**
 * One page of a listing and how many rows match in all ({@code total} ignores limit and offset),
 * as the REST API's collections report it.
 */
public record Page<T>(List<T> items, long total) {
  public Page {
    items = List.copyOf(items);
  }
}
