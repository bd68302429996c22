package com.example.testleader.task;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import com.example.testleader.election.LeaderElectionProperties;
import com.example.testleader.election.roles.ElectedRoles;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The roles the application competes for under a given environment, as the application
 * itself works them out: its {@code application.yaml}, the environment variables on top
 * (a Deployment's {@code env}), and its own beans deciding. For tests that hold the
 * manifests to the configuration.
 */
public final class ConfiguredRoles {

	private ConfiguredRoles() {
	}

	/** @param environment environment variables, by name, as a container gets them */
	public static List<String> of(Map<String, Object> environment) {
		return of((sources) -> sources.addFirst(new SystemEnvironmentPropertySource("container", environment)));
	}

	/**
	 * @param commandLine arguments, above everything else, as a user's
	 * @param defaultProperties below everything else, as {@code SpringApplication}'s
	 */
	public static List<String> of(String[] commandLine, Map<String, Object> defaultProperties) {
		return of((sources) -> {
			sources.addFirst(new SimpleCommandLinePropertySource(commandLine));
			sources.addLast(new MapPropertySource("defaultProperties", defaultProperties));
		});
	}

	private static List<String> of(Consumer<MutablePropertySources> added) {
		AtomicReference<List<String>> roles = new AtomicReference<>();
		new ApplicationContextRunner().withInitializer(new ConfigDataApplicationContextInitializer())
			.withInitializer((context) -> added.accept(context.getEnvironment().getPropertySources()))
			.withUserConfiguration(Properties.class, TaskConfiguration.class, CriticalTasks.class,
					StillLeadingWork.class)
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> roles.set(context.getBean(ElectedRoles.class).names()));
		return roles.get();
	}

	// a test configuration: kept out of the component scan of whole applications run from the test classpath
	@TestConfiguration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ CriticalTaskProperties.class, LeaderElectionProperties.class })
	static class Properties {

	}

}
