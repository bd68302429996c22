package com.example.testleader;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import com.example.testleader.election.roles.ElectedRoles;
import com.example.testleader.election.roles.Electors;
import com.example.testleader.election.takeover.PodWatch;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The election's packages import one way: the Lease protocol (the core) none of the
 * others, early takeover and roles never the wiring, and the rest of the application
 * only the entry points the wiring gives it. Main code only: tests may reach anywhere.
 */
@AnalyzeClasses(packages = "com.example.testleader", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

	private static final String CORE = "com.example.testleader.election";

	private static final String TAKEOVER = "com.example.testleader.election.takeover..";

	private static final String ROLES = "com.example.testleader.election.roles..";

	private static final String WIRING = "com.example.testleader.election.wiring..";

	/** What the application outside the election may use of its three outer packages; keep it short. */
	private static final Class<?>[] ENTRY_POINTS = { Electors.class, ElectedRoles.class };

	@ArchTest
	static final ArchRule theCoreImportsNoneOfTheOthers = noClasses().that()
		.resideInAPackage(CORE)
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage(TAKEOVER, ROLES, WIRING)
		.because("the Lease protocol reaches early takeover only through HolderProcess, and knows "
				+ "nothing of roles or Spring wiring");

	@ArchTest
	static final ArchRule takeoverAndRolesDoNotImportTheWiring = noClasses().that()
		.resideInAnyPackage(TAKEOVER, ROLES)
		.should()
		.dependOnClassesThat()
		.resideInAPackage(WIRING)
		.because("the wiring assembles them, not the other way round");

	@ArchTest
	static final ArchRule theApplicationUsesOnlyTheElectionsEntryPoints = noClasses().that()
		.resideOutsideOfPackage(CORE + "..")
		.should()
		.dependOnClassesThat(resideInAnyPackage(TAKEOVER, ROLES, WIRING).and(not(belongToAnyOf(ENTRY_POINTS))))
		.because("early takeover, the balance of roles and the wiring are the election's own");

	@Test
	void theRulesFindAnImportTheWrongWay() {
		JavaClasses wrongWay = new ClassFileImporter().importClasses(OutsideTheElection.class);
		assertThat(theApplicationUsesOnlyTheElectionsEntryPoints.evaluate(wrongWay).hasViolation()).isTrue();
		JavaClasses entryPointsOnly = new ClassFileImporter().importClasses(UsingTheEntryPoints.class);
		assertThat(theApplicationUsesOnlyTheElectionsEntryPoints.evaluate(entryPointsOnly).hasViolation()).isFalse();
	}

	/** Application code that reaches into early takeover. */
	static class OutsideTheElection {

		PodWatch pods;

	}

	/** Application code that uses what the election offers it. */
	static class UsingTheEntryPoints {

		Electors electors;

		ElectedRoles roles;

	}

}
