package com.example.testleader.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's configuration table is held to the configuration metadata that
 * spring-boot-configuration-processor writes at compile time from the
 * {@code @ConfigurationProperties} records (their {@code @DefaultValue}s and javadoc): every
 * {@code test-leader.*} property documented there and in the table, nothing in the table that
 * the code does not bind, and every default the code declares written as the metadata writes it.
 * <p>
 * A default the code computes (POD_NAMESPACE, else ...) has no {@code defaultValue} in the
 * metadata; the table may describe such a default in words, and only such a default. A map
 * property ({@code per-role.<role>.period}) is checked against the record its values bind to.
 */
class ConfigurationTableTest {

	private static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");

	private static final Path README = Path.of("README.md");

	private static final String PREFIX = "test-leader.";

	@Test
	void theTableListsEveryPropertyOfTheServiceWithTheDefaultItsCodeDeclares() throws IOException {
		assertThat(problems(metadata(), Files.readString(README))).isEmpty();
	}

	@Test
	void everyPropertyOfTheServiceIsDocumentedInTheMetadata() throws IOException {
		Map<String, JsonNode> properties = metadata();
		assertThat(properties).isNotEmpty();
		assertThat(properties.values()).allSatisfy((property) -> assertThat(property.path("description").asText())
			.as(property.path("name").asText())
			.isNotBlank());
	}

	@Test
	void aRowRemovedFromTheTableIsFound() throws IOException {
		String readme = Files.readString(README);
		String row = row(readme, "test-leader.election.retry-period");
		assertThat(problems(metadata(), readme.replace(row + "\n", "")))
			.containsExactly("test-leader.election.retry-period is not in the README's table");
	}

	@Test
	void aDefaultChangedInTheTableIsFound() throws IOException {
		String readme = Files.readString(README);
		String row = row(readme, "test-leader.events.queue-capacity");
		assertThat(problems(metadata(), readme.replace(row, row.replace("`16`", "`32`"))))
			.containsExactly("test-leader.events.queue-capacity: the table says `32`, the code's default is `16`");
	}

	@Test
	void aDefaultInWordsWhereTheCodeDeclaresOneIsFound() throws IOException {
		String readme = Files.readString(README);
		String row = row(readme, "test-leader.task.period");
		assertThat(problems(metadata(), readme.replace(row, row.replace("`5s`", "five seconds"))))
			.containsExactly("test-leader.task.period: the table says five seconds, the code's default is `5s`");
	}

	@Test
	void aPropertyTheCodeDoesNotBindIsFound() throws IOException {
		String readme = Files.readString(README);
		String row = row(readme, "test-leader.events.timeout");
		String invented = row.replace("test-leader.events.timeout", "test-leader.events.retries");
		assertThat(problems(metadata(), readme.replace(row, row + "\n" + invented)))
			.containsExactly("test-leader.events.retries is in the README's table but not in the metadata");
		String perRole = row(readme, "test-leader.task.per-role.<role>.period");
		assertThat(problems(metadata(), readme.replace(perRole, perRole.replace("`.stop-timeout`", "`.jitter`"))))
			.containsExactly("test-leader.task.per-role.<role>.jitter: RoleSchedule has no such component "
					+ "(it has [period, stop-timeout])",
					"test-leader.task.per-role: the table names [period] of RoleSchedule's [period, stop-timeout]");
	}

	/** What is wrong between the metadata and the README's table; empty when they agree. */
	static List<String> problems(Map<String, JsonNode> metadata, String readme) {
		Map<String, String> table = table(readme);
		List<String> problems = new ArrayList<>();
		Map<String, Set<String>> mapEntries = new LinkedHashMap<>();
		for (Map.Entry<String, String> row : table.entrySet()) {
			String name = row.getKey();
			int placeholder = name.indexOf(".<");
			if (placeholder >= 0) {
				// a map property: the metadata names the map, its values are the record it binds to
				String map = name.substring(0, placeholder);
				String component = name.substring(name.indexOf(">.", placeholder) + 2);
				JsonNode property = metadata.get(map);
				if (property == null || !property.path("type").asText().startsWith("java.util.Map<")) {
					problems.add(name + " is in the README's table but " + map + " is no map property in the metadata");
					continue;
				}
				List<String> components = components(property.path("type").asText());
				if (!components.contains(component)) {
					problems.add(name + ": " + simpleName(property) + " has no such component (it has " + components + ")");
					continue;
				}
				mapEntries.computeIfAbsent(map, (key) -> new TreeSet<>()).add(component);
				checkDefault(map, row.getValue(), property, problems);
				continue;
			}
			JsonNode property = metadata.get(name);
			if (property == null) {
				problems.add(name + " is in the README's table but not in the metadata");
				continue;
			}
			checkDefault(name, row.getValue(), property, problems);
		}
		for (Map.Entry<String, JsonNode> property : metadata.entrySet()) {
			String name = property.getKey();
			boolean map = property.getValue().path("type").asText().startsWith("java.util.Map<");
			if (map) {
				List<String> components = components(property.getValue().path("type").asText());
				Set<String> named = mapEntries.getOrDefault(name, Set.of());
				if (named.isEmpty()) {
					problems.add(name + " is not in the README's table");
				}
				else if (!named.equals(new TreeSet<>(components))) {
					problems.add(name + ": the table names " + named + " of " + simpleName(property.getValue()) + "'s "
							+ components);
				}
			}
			else if (!table.containsKey(name)) {
				problems.add(name + " is not in the README's table");
			}
		}
		return problems;
	}

	private static void checkDefault(String name, String stated, JsonNode property, List<String> problems) {
		JsonNode declared = property.get("defaultValue");
		if (declared == null || declared.isNull()) {
			// computed by the code (or empty): the table says it in words, which only a reader can check
			if (stated.isBlank()) {
				problems.add(name + ": the table states no default");
			}
			return;
		}
		String expected = "`" + declared.asText() + "`";
		if (!stated.equals(expected)) {
			problems.add(name + ": the table says " + stated + ", the code's default is " + expected);
		}
	}

	/** The property names of the record a map property's values bind to, in kebab case. */
	private static List<String> components(String mapType) {
		String valueType = mapType.substring(mapType.indexOf(',') + 1, mapType.lastIndexOf('>'));
		try {
			Class<?> type = Class.forName(valueType);
			assertThat(type.isRecord()).as(valueType).isTrue();
			return Arrays.stream(type.getRecordComponents())
				.map((component) -> component.getName().replaceAll("([A-Z])", "-$1").toLowerCase())
				.toList();
		}
		catch (ClassNotFoundException ex) {
			throw new IllegalStateException("The metadata names " + valueType + ", which is not on the classpath", ex);
		}
	}

	private static String simpleName(JsonNode mapProperty) {
		String type = mapProperty.path("type").asText();
		String valueType = type.substring(type.indexOf(',') + 1, type.lastIndexOf('>'));
		return valueType.substring(Math.max(valueType.lastIndexOf('.'), valueType.lastIndexOf('$')) + 1);
	}

	/** The service's own properties, by name, as the build's metadata has them. */
	static Map<String, JsonNode> metadata() throws IOException {
		assertThat(METADATA).as("written by spring-boot-configuration-processor when main is compiled").exists();
		Map<String, JsonNode> properties = new LinkedHashMap<>();
		for (JsonNode property : new ObjectMapper().readTree(METADATA.toFile()).path("properties")) {
			String name = property.path("name").asText();
			if (name.startsWith(PREFIX)) {
				properties.put(name, property);
			}
		}
		return properties;
	}

	private static final Pattern ROW = Pattern.compile("^\\| (`[^|]+`) \\| ([^|]*) \\| [^|]* \\|$", Pattern.MULTILINE);

	private static final Pattern NAME = Pattern.compile("`([^`]+)`");

	/**
	 * The rows of the README's table under "## Configuration", by property, with the default as
	 * written. A name beginning with a dot ({@code `.stop-timeout`}) replaces the last part of
	 * the name before it in the same cell.
	 */
	static Map<String, String> table(String readme) {
		int start = readme.indexOf("\n## Configuration\n");
		assertThat(start).as("README has a ## Configuration section").isNotNegative();
		int end = readme.indexOf("\n## ", start + 1);
		String section = readme.substring(start, (end < 0) ? readme.length() : end);
		Map<String, String> table = new LinkedHashMap<>();
		Matcher row = ROW.matcher(section);
		while (row.find()) {
			String previous = null;
			Matcher name = NAME.matcher(row.group(1));
			while (name.find()) {
				String property = name.group(1);
				if (property.startsWith(".")) {
					property = previous.substring(0, previous.lastIndexOf('.')) + property;
				}
				assertThat(table.put(property, row.group(2).trim())).as("%s listed twice", property).isNull();
				previous = property;
			}
		}
		return table;
	}

	private static String row(String readme, String property) {
		return readme.lines()
			.filter((line) -> line.startsWith("| `" + property + "`"))
			.findFirst()
			.orElseThrow(() -> new AssertionError(property + " has no row"));
	}

}
