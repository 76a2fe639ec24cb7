//! A broken pipeline file exits 2 and lists every problem in one message.

mod common;

use common::Project;

#[test]
fn every_problem_of_a_broken_pipeline_is_listed_at_once() {
    let project = Project::new();
    // Three faults: an unknown key, a source folder that does not exist, a period that
    // ends before it starts.
    let text = std::fs::read_to_string(project.path("pipelines/p.toml"))
        .unwrap()
        .replace("name = \"test\"", "name = \"test\"\ncolour = \"red\"")
        .replace("../data/cases/*/*", "../data/no_such_folder/*/*")
        .replace(
            "{ key = \"2021\", from = 2021-01-01, to = 2021-12-31",
            "{ key = \"2021\", from = 2021-12-31, to = 2021-01-01",
        );
    project.file("pipelines/p.toml", &text);
    let run = project.run(&[]);
    run.expect_code(2);
    let err = run.stderr();
    assert!(err.contains("3 problems"), "{err}");
    assert!(err.contains("Unknown key \"colour\""), "{err}");
    assert!(
        err.contains("no_such_folder") && err.contains("sources.cases"),
        "{err}"
    );
    assert!(
        err.contains("Period \"2021\" ends (2021-01-01) before it starts (2021-12-31)"),
        "{err}"
    );
    assert!(
        !project.path("out").exists(),
        "nothing is written for a broken pipeline"
    );
}

#[test]
fn unknown_keys_in_tables_and_bad_targets_are_named_by_their_path() {
    let project = Project::new();
    let text = std::fs::read_to_string(project.path("pipelines/p.toml"))
        .unwrap()
        .replace("min_count = 5", "min_count = 5\nround_to = 10")
        .replace(
            "special_support_rate = \">= 0.985\"",
            "special_support_rate = \"at least 0.985\"\nhappiness = \">= 1\"",
        );
    project.file("pipelines/p.toml", &text);
    let run = project.run(&[]);
    run.expect_code(2);
    let err = run.stderr();
    assert!(err.contains("disclosure.round_to"), "{err}");
    assert!(err.contains("targets.special_support_rate"), "{err}");
    assert!(err.contains("targets.happiness"), "{err}");
}

#[test]
fn a_bad_command_line_exits_2() {
    let project = Project::new();
    project.run(&["--only", "everything"]).expect_code(2);
}

#[test]
fn a_missing_pipeline_file_exits_2_and_names_it() {
    let project = Project::new();
    let run = common::treem(project.dir.path(), &["run", "pipelines/nope.toml"]);
    run.expect_code(2);
    assert!(run.stderr().contains("nope.toml"), "{}", run.stderr());
}

#[test]
fn a_pipeline_names_one_province_or_several_but_not_both() {
    let project = Project::new();
    let text = std::fs::read_to_string(project.path("pipelines/p.toml"))
        .unwrap()
        .replace(
            "province = \"64\"",
            "province = \"64\"\nprovinces = [\"64\", \"01\"]",
        );
    project.file("pipelines/p.toml", &text);
    let run = project.run(&[]);
    run.expect_code(2);
    let err = run.stderr();
    assert!(
        err.contains("Keys \"province\" and \"provinces\" are both given"),
        "{err}"
    );
}

#[test]
fn provinces_are_a_list_of_gso_codes_or_all_and_have_no_fund() {
    let project = Project::new();
    project.with_reports_and_fund();
    let text = std::fs::read_to_string(project.path("pipelines/p.toml"))
        .unwrap()
        .replace("province = \"64\"", "provinces = [\"64\", \"Hà Nội\"]");
    project.file("pipelines/p.toml", &text);
    let run = project.run(&[]);
    run.expect_code(2);
    let err = run.stderr();
    assert!(err.contains("2 problems"), "{err}");
    assert!(
        err.contains("Key \"provinces\" holds \"Hà Nội\": give GSO codes"),
        "{err}"
    );
    assert!(
        err.contains("Key \"sources.fund\": the fund ledger is one province's"),
        "{err}"
    );

    let text = text.replace("[\"64\", \"Hà Nội\"]", "\"every\"");
    project.file("pipelines/p.toml", &text);
    let err = project.run(&[]).stderr();
    assert!(
        err.contains("Key \"provinces\" is \"every\": give a list of GSO codes"),
        "{err}"
    );
}

#[test]
fn a_pipeline_without_a_province_says_which_keys_it_takes() {
    let project = Project::new();
    let text = std::fs::read_to_string(project.path("pipelines/p.toml"))
        .unwrap()
        .replace("province = \"64\"\n", "");
    project.file("pipelines/p.toml", &text);
    let run = project.run(&[]);
    run.expect_code(2);
    assert!(
        run.stderr().contains("Key \"province\" is missing"),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_target_may_judge_only_declared_periods_and_the_report_section_is_checked() {
    let project = Project::new();
    let text = std::fs::read_to_string(project.path("pipelines/p.toml"))
        .unwrap()
        .replace(
            "special_support_rate = \">= 0.985\"",
            "special_support_rate = { rule = \">= 0.985\", periods = [\"2021\", \"2022S1\"] }",
        )
        + "\n[report]\nagency = \"SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI\"\nlogo = \"a.png\"\n";
    project.file("pipelines/p.toml", &text);
    let run = project.run(&[]);
    run.expect_code(2);
    let err = run.stderr();
    assert!(err.contains("2 problems"), "{err}");
    assert!(
        err.contains("targets.special_support_rate.periods") && err.contains("\"2022S1\""),
        "{err}"
    );
    assert!(err.contains("Unknown key \"report.logo\""), "{err}");
}
