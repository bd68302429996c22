package com.example.testleader.observability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.jayway.jsonpath.JsonPath;

/** Plain HTTP calls to a replica's servers, as an operator or Prometheus makes them. */
public final class Http {

	private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	public record Response(int status, String body, HttpHeaders headers) {

		public <T> T json(String path) {
			return JsonPath.read(this.body, path);
		}

		/** The first value of a response header, or {@code null}. */
		public String header(String name) {
			return this.headers.firstValue(name).orElse(null);
		}

	}

	private Http() {
	}

	public static Response get(String url) {
		return send(HttpRequest.newBuilder(URI.create(url)).GET());
	}

	/** A POST without a body; {@code headers} are names and values in turn. */
	public static Response post(String url, String... headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody());
		if (headers.length > 0) {
			request.headers(headers);
		}
		return send(request);
	}

	/** A POST of a JSON body; {@code headers} are names and values in turn. */
	public static Response postJson(String url, String json, String... headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.header("Content-Type", "application/json");
		if (headers.length > 0) {
			request.headers(headers);
		}
		return send(request);
	}

	private static Response send(HttpRequest.Builder request) {
		try {
			HttpResponse<String> response = CLIENT.send(request.timeout(Duration.ofSeconds(10)).build(),
					HttpResponse.BodyHandlers.ofString());
			return new Response(response.statusCode(), response.body(), response.headers());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
