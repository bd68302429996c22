package com.example.testleader.deploy;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.logging.LoggingInitializationContext;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.DefaultResourceLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In the pod the console carries one JSON object per line (Spring Boot's structured logging,
 * ECS), for a log pipeline to read; started any other way ({@code ./mvnw spring-boot:test-run},
 * {@code java -jar}) it keeps the human-readable lines. The Deployment switches it, through
 * the environment, and nothing else does.
 * <p>
 * A small application is started as the jar starts: with the application's configuration and
 * Logback's default set-up (the test class path's {@code logback-test.xml} hidden, as the jar
 * has none), and with the Deployment's environment or without it.
 */
@ExtendWith(OutputCaptureExtension.class)
class StructuredLogsTest {

	private static final String VARIABLE = "LOGGING_STRUCTURED_FORMAT_CONSOLE";

	private static final ObjectMapper JSON = new ObjectMapper();

	@Test
	void theDeploymentHasItsPodsLogEcs() throws IOException {
		assertThat(deploymentEnvironment()).containsEntry(VARIABLE, "ecs");
	}

	@Test
	void withTheDeploymentsEnvironmentEveryLineIsOneEcsJsonObject(CapturedOutput output) throws IOException {
		String message = "leading test-lease, a line for the log pipeline";
		start(deploymentEnvironment(), message);

		List<String> lines = output.getOut().lines().filter((line) -> !line.isBlank()).toList();
		// the start-up lines, the message, the shutdown: all of them JSON, the banner left out
		assertThat(lines).hasSizeGreaterThan(1).allSatisfy((line) -> assertThat(json(line)).as(line).isNotNull());
		assertThat(lines).map(StructuredLogsTest::json).anySatisfy((line) -> {
			assertThat(line.path("message").asText()).isEqualTo(message);
			assertThat(line.at("/log/level").asText()).isEqualTo("INFO");
			assertThat(line.at("/ecs/version").isTextual()).isTrue();
			// the application's own name (spring.application.name), as the pipeline groups by it
			assertThat(line.at("/service/name").asText()).isEqualTo("test-leader");
		});
	}

	@Test
	void startedAnyOtherWayTheLinesStayHumanReadable(CapturedOutput output) {
		String message = "leading test-lease, a line for people";
		start(Map.of(), message);

		assertThat(output.getOut().lines().filter((line) -> line.contains(message))).singleElement()
			.satisfies((line) -> {
				assertThat(json(line)).isNull();
				assertThat(line).contains(" INFO ").endsWith(": " + message);
			});
	}

	/**
	 * Leaves Logback as the test class path sets it up, for the tests that run after these in
	 * this JVM (and that read the lines they log).
	 */
	@AfterEach
	void restoreTheTestsLogging() {
		LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
		logging.cleanUp();
		logging.beforeInitialize();
		logging.initialize(new LoggingInitializationContext(new StandardEnvironment()), null, null);
	}

	/** Starts and stops an empty application as the jar would, having it log one line. */
	private static void start(Map<String, Object> environmentVariables, String message) {
		// mark Logback as not yet set up, as in a fresh JVM (a test's context may have done it)
		LoggingSystem.get(StructuredLogsTest.class.getClassLoader()).cleanUp();
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
							environmentVariables));
		SpringApplication application = new SpringApplication(Empty.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setRegisterShutdownHook(false);
		application.setEnvironment(environment);
		application.setResourceLoader(new DefaultResourceLoader(new WithoutTestLogback()));
		try (ConfigurableApplicationContext context = application.run()) {
			LoggerFactory.getLogger(StructuredLogsTest.class).info(message);
		}
	}

	/** The Deployment's environment variables that have a value of their own. */
	private static Map<String, Object> deploymentEnvironment() throws IOException {
		Map<String, Object> environment = new LinkedHashMap<>();
		ManifestsTest.container(Manifests.one(Manifests.all(), Deployment.class))
			.getEnv()
			.stream()
			.filter((variable) -> variable.getValue() != null)
			.forEach((variable) -> environment.put(variable.getName(), variable.getValue()));
		return environment;
	}

	/** The line as a JSON object, or null if it is not one. */
	private static JsonNode json(String line) {
		try {
			JsonNode node = JSON.readTree(line);
			return (node != null && node.isObject()) ? node : null;
		}
		catch (JsonProcessingException ex) {
			return null;
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Empty {

	}

	/** The class path without the tests' Logback configuration, as the packaged jar has it. */
	private static final class WithoutTestLogback extends ClassLoader {

		WithoutTestLogback() {
			super(StructuredLogsTest.class.getClassLoader());
		}

		@Override
		public URL getResource(String name) {
			return hidden(name) ? null : super.getResource(name);
		}

		@Override
		public Enumeration<URL> getResources(String name) throws IOException {
			return hidden(name) ? Collections.emptyEnumeration() : super.getResources(name);
		}

		private static boolean hidden(String name) {
			return name.startsWith("logback-test.");
		}

	}

}
