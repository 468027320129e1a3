package io.contrail.rest;

import io.contrail.run.TraceContext;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.semconv.ClientAttributes;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.HttpAttributes;
import io.opentelemetry.semconv.NetworkAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import io.opentelemetry.semconv.UrlAttributes;
import io.opentelemetry.semconv.UserAgentAttributes;
import java.util.Collections;
import java.util.Locale;

/**
 * One server span per request, per OpenTelemetry's HTTP semantic conventions: named
 * {@code METHOD route}, a child of the caller's W3C {@code traceparent} when it sends one, with the
 * method, route, path (never the query string, which may hold anything), scheme, server, client,
 * user agent, status code and the account name as {@code user.id}. With traces off the tracer is a
 * no-op and this costs nothing.
 */
final class RequestSpans {
  static final AttributeKey<String> USER_ID = AttributeKey.stringKey("user.id");
  private static final String ATTRIBUTE = "contrail.span";
  private static final TextMapGetter<Context> HEADERS = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Context ctx) {
      return Collections.list(ctx.req().getHeaderNames());
    }

    @Override
    public String get(Context ctx, String key) {
      return ctx == null ? null : ctx.header(key);
    }
  };

  private final Tracer tracer;

  RequestSpans(Tracer tracer) {
    this.tracer = tracer;
  }

  void start(Context ctx) {
    io.opentelemetry.context.Context parent = W3CTraceContextPropagator.getInstance()
        .extract(io.opentelemetry.context.Context.root(), ctx, HEADERS);
    String method = ctx.method().name().toUpperCase(Locale.ROOT);
    Span span = tracer.spanBuilder(method).setSpanKind(SpanKind.SERVER).setParent(parent)
        .setAttribute(HttpAttributes.HTTP_REQUEST_METHOD, method)
        .setAttribute(UrlAttributes.URL_PATH, ctx.path())
        .setAttribute(UrlAttributes.URL_SCHEME, ctx.scheme())
        .setAttribute(ServerAttributes.SERVER_ADDRESS, ctx.req().getServerName())
        .setAttribute(ServerAttributes.SERVER_PORT, (long) ctx.req().getServerPort())
        .setAttribute(ClientAttributes.CLIENT_ADDRESS, ctx.req().getRemoteAddr())
        .setAttribute(NetworkAttributes.NETWORK_PROTOCOL_VERSION, ctx.protocol().replace("HTTP/", ""))
        .startSpan();
    String agent = ctx.userAgent();
    if (agent != null) {
      span.setAttribute(UserAgentAttributes.USER_AGENT_ORIGINAL, agent);
    }
    ctx.attribute(ATTRIBUTE, span);
  }

  /** Names the span after the route that matched (before authentication, so refusals have it too). */
  static void matched(Context ctx) {
    Span span = ctx.attribute(ATTRIBUTE);
    Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
    if (span != null && endpoint != null) {
      span.setAttribute(HttpAttributes.HTTP_ROUTE, endpoint.path);
      span.updateName(ctx.method().name().toUpperCase(Locale.ROOT) + " " + endpoint.path);
    }
  }

  /** The account the request runs as. */
  static void user(Context ctx, String name) {
    Span span = ctx.attribute(ATTRIBUTE);
    if (span != null) {
      span.setAttribute(USER_ID, name);
    }
  }

  void end(Context ctx) {
    Span span = ctx.attribute(ATTRIBUTE);
    if (span == null) {
      return;
    }
    int status = ctx.statusCode();
    span.setAttribute(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, (long) status);
    if (status >= 500) {
      span.setAttribute(ErrorAttributes.ERROR_TYPE, String.valueOf(status));
      span.setStatus(StatusCode.ERROR);
    }
    span.end();
  }

  /** The request's span as a stored trace context (a run it creates links to it); null without one. */
  static TraceContext current(Context ctx) {
    Span span = ctx.attribute(ATTRIBUTE);
    if (span == null) {
      return null;
    }
    SpanContext sc = span.getSpanContext();
    return sc.isValid() && sc.isSampled()
        ? new TraceContext(sc.getTraceId(), sc.getSpanId(), sc.getTraceFlags().asByte() & 0xff) : null;
  }
}
