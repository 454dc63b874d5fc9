//! The route sweep (issue 17): every API route that takes an id is called
//! without a token, with another user's token and with a token of the
//! owner lacking the route's scope, on the objects of a third user who
//! has a direct and a private status. None may act on them or show the
//! statuses' text. The routes come from `ferrodon-web --routes` (the table
//! the server registers from), so a new route is swept without editing
//! this test.
use ferrodon_testkit::app::bin_dir;
use ferrodon_testkit::factories::{local_user, token_for};
use ferrodon_testkit::TestApp;
use reqwest::Method;
use serde_json::{json, Value};

const SECRET: &str = "swept secret 8d1f";

/// One API route: its method and path pattern.
struct Route {
    method: Method,
    path: String,
}

/// The API routes as the server registers them.
fn routes() -> Vec<Route> {
    let binary = bin_dir().join("ferrodon-web");
    let output = std::process::Command::new(&binary)
        .arg("--routes")
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", binary.display()));
    assert!(output.status.success(), "ferrodon-web --routes failed");
    let listed: Vec<Route> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let (method, path) = line.split_once(' ').unwrap();
            Route {
                method: method.parse().unwrap(),
                path: path.to_owned(),
            }
        })
        .collect();
    assert!(listed.len() > 100, "only {} routes listed", listed.len());
    listed
}

/// What a placeholder of a path names, known from the segment before it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Status,
    Account,
    List,
    Filter,
    FilterKeyword,
    Notification,
    /// A notification group's key: names the caller's own notifications.
    NotificationGroup,
    Poll,
    Media,
    Conversation,
    Report,
    /// A name (of a tag, an emoji, a file style …).
    Name,
    /// Any other id: swept with a status id.
    Other,
}

impl Kind {
    fn of(segment_before: &str, placeholder: &str) -> Kind {
        match placeholder {
            "{group_key}" => return Kind::NotificationGroup,
            "{id}" | "{account_id}" | "{quoting_status_id}" => {}
            _ => return Kind::Name,
        }
        match segment_before {
            "statuses" | "quotes" | "status" => Kind::Status,
            "accounts" | "suggestions" => Kind::Account,
            "lists" | "list" => Kind::List,
            "filters" => Kind::Filter,
            "keywords" => Kind::FilterKeyword,
            "notifications" | "requests" => Kind::Notification,
            "polls" => Kind::Poll,
            "media" | "media_proxy" => Kind::Media,
            "conversations" => Kind::Conversation,
            "reports" => Kind::Report,
            _ => Kind::Other,
        }
    }

    /// Whether a signed-in stranger may legitimately succeed on it (follow
    /// an account, read a hashtag …); the rest are the owner's alone.
    fn open_to_others(self) -> bool {
        matches!(
            self,
            Kind::Account | Kind::NotificationGroup | Kind::Name | Kind::Other
        )
    }
}

/// The third user's objects, by kind.
struct Victim {
    ids: Vec<(Kind, Vec<String>)>,
}

impl Victim {
    fn ids_of(&self, kind: Kind) -> Vec<String> {
        if kind == Kind::Name {
            return vec!["original".to_owned()];
        }
        let wanted = if kind == Kind::Other {
            Kind::Status
        } else {
            kind
        };
        self.ids
            .iter()
            .find(|(k, _)| *k == wanted)
            .map(|(_, ids)| ids.clone())
            .unwrap_or_else(|| panic!("no {wanted:?} to sweep with"))
    }
}

async fn ok_json(resp: reqwest::Response, what: &str) -> Value {
    let status = resp.status();
    let body = resp.text().await.unwrap();
    assert!(status.is_success(), "{what}: {status} {body}");
    serde_json::from_str(&body).unwrap()
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

/// Carol's direct message to Bob and her followers-only status (both with
/// a poll; the message with media), her list, filter, conversation,
/// notification and report.
async fn victim(app: &TestApp, carol: &str, bob: &str, mallory_id: &str) -> Victim {
    let media = app
        .client
        .post(app.url("/api/v1/media"))
        .bearer_auth(carol)
        .multipart(reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(crate::media::png(8, 8)).file_name("a.png"),
        ))
        .send()
        .await
        .unwrap();
    let media = id_of(&ok_json(media, "upload").await);
    let post = |body: Value| async move {
        ok_json(
            app.post_json("/api/v1/statuses", carol, &body).await,
            "post",
        )
        .await
    };
    let poll =
        |text: &str| json!({"options": [format!("{SECRET} {text}"), "no"], "expires_in": 3600});
    let dm = post(json!({
        "status": format!("@bob {SECRET}"),
        "visibility": "direct",
        "media_ids": [media],
    }))
    .await;
    let private = post(json!({
        "status": format!("followers: {SECRET}"),
        "visibility": "private",
        "poll": poll("private"),
    }))
    .await;
    let reply =
        json!({"status": "@carol got it", "visibility": "direct", "in_reply_to_id": id_of(&dm)});
    ok_json(
        app.post_json("/api/v1/statuses", bob, &reply).await,
        "reply",
    )
    .await;

    let list = ok_json(
        app.post_form("/api/v1/lists", carol, &[("title", "friends")])
            .await,
        "list",
    )
    .await;
    let filter = ok_json(
        app.post_form(
            "/api/v2/filters",
            carol,
            &[
                ("title", "spoilers"),
                ("context[]", "home"),
                ("keywords_attributes[][keyword]", "finale"),
            ],
        )
        .await,
        "filter",
    )
    .await;
    let keyword = filter["keywords"][0]["id"].as_str().unwrap().to_owned();
    let conversations = ok_json(
        app.get("/api/v1/conversations", carol).await,
        "conversations",
    )
    .await;
    let notifications = ok_json(
        app.get("/api/v1/notifications", carol).await,
        "notifications",
    )
    .await;
    let groups = ok_json(app.get("/api/v2/notifications", carol).await, "groups").await;
    let group_key = groups["notification_groups"][0]["group_key"]
        .as_str()
        .unwrap()
        .to_owned();
    let report = ok_json(
        app.post_form(
            "/api/v1/reports",
            carol,
            &[("account_id", mallory_id), ("comment", SECRET)],
        )
        .await,
        "report",
    )
    .await;
    Victim {
        ids: vec![
            (Kind::Status, vec![id_of(&dm), id_of(&private)]),
            (
                Kind::Account,
                vec![dm["account"]["id"].as_str().unwrap().to_owned()],
            ),
            (Kind::List, vec![id_of(&list)]),
            (Kind::Filter, vec![id_of(&filter)]),
            (Kind::FilterKeyword, vec![keyword]),
            (Kind::Notification, vec![id_of(&notifications[0])]),
            (Kind::NotificationGroup, vec![group_key]),
            (Kind::Poll, vec![id_of(&private["poll"])]),
            (Kind::Media, vec![media]),
            (Kind::Conversation, vec![id_of(&conversations[0])]),
            (Kind::Report, vec![id_of(&report)]),
        ],
    }
}

/// The concrete paths a pattern stands for on the victim's objects, with
/// the kinds of its placeholders.
fn concrete(pattern: &str, victim: &Victim) -> Vec<(String, Vec<Kind>)> {
    let mut paths = vec![(String::new(), Vec::new())];
    let mut previous = "";
    for segment in pattern.split('/').skip(1) {
        let choices = if segment.starts_with('{') {
            let kind = Kind::of(previous, segment);
            victim
                .ids_of(kind)
                .into_iter()
                .map(|id| (id, Some(kind)))
                .collect()
        } else {
            vec![(segment.to_owned(), None)]
        };
        paths = paths
            .iter()
            .flat_map(|(path, kinds)| {
                choices.iter().map(move |(part, kind)| {
                    let mut kinds = kinds.clone();
                    kinds.extend(kind);
                    (format!("{path}/{part}"), kinds)
                })
            })
            .collect();
        previous = segment;
    }
    paths
}

/// Who calls.
#[derive(Clone, Copy, Debug)]
enum Caller {
    NoToken,
    AnotherUser,
    OwnerLackingScope,
}

/// Why an answer is wrong, if it is.
fn violation(
    caller: Caller,
    method: &Method,
    path: &str,
    kinds: &[Kind],
    status: u16,
    body: &str,
) -> Option<String> {
    if body.contains(SECRET) {
        return Some(format!("{status}, shows the text"));
    }
    if status >= 500 {
        return Some(format!("{status}"));
    }
    let refused = matches!(status, 401 | 403 | 404 | 422);
    let read = matches!(*method, Method::GET | Method::HEAD);
    let wrong = match caller {
        // Public reads may answer (without the text); nothing else may act.
        Caller::NoToken => !refused && !read,
        Caller::AnotherUser => !refused && !kinds.iter().all(|k| k.open_to_others()),
        // A token present must grant the route's scope.
        // A token present must grant an API route's scope; other routes
        // (media files, pages) take no token.
        Caller::OwnerLackingScope if path.starts_with("/api/") => !matches!(status, 401 | 403),
        Caller::OwnerLackingScope => !refused,
    };
    wrong.then(|| format!("{status}"))
}

#[tokio::test]
async fn no_route_taking_an_id_lets_others_see_or_act_on_hidden_statuses() {
    let app = TestApp::spawn_with(&[
        ("FERRODON_API_RATE_LIMIT", "1000000"),
        ("FERRODON_AUTH_RATE_LIMIT", "1000000"),
    ])
    .await;
    let (carol_user, _, carol) = local_user(&app.state, "carol").await;
    let (_, _, bob) = local_user(&app.state, "bob").await;
    let (mallory_user, mallory_account, _) = local_user(&app.state, "mallory").await;
    let victim = victim(&app, &carol, &bob, &mallory_account.id.to_string()).await;
    let mallory = token_for(
        &app.state,
        &mallory_user,
        "read write follow push admin:read admin:write",
    )
    .await;
    let lacking = token_for(&app.state, &carol_user, "push").await;

    let mut swept = 0;
    let mut wrong = Vec::new();
    for route in routes().iter().filter(|r| r.path.contains('{')) {
        for (path, kinds) in concrete(&route.path, &victim) {
            for caller in [
                Caller::NoToken,
                Caller::OwnerLackingScope,
                Caller::AnotherUser,
            ] {
                let mut request = app.client.request(route.method.clone(), app.url(&path));
                request = match caller {
                    Caller::NoToken => request,
                    Caller::AnotherUser => request.bearer_auth(&mallory),
                    Caller::OwnerLackingScope => request.bearer_auth(&lacking),
                };
                if !matches!(route.method, Method::GET | Method::HEAD | Method::DELETE) {
                    request = request.form(&[("x", "")]);
                }
                let resp = request.send().await.unwrap();
                let status = resp.status().as_u16();
                let body = resp.text().await.unwrap_or_default();
                if let Some(why) = violation(caller, &route.method, &path, &kinds, status, &body) {
                    wrong.push(format!("{} {path} ({caller:?}): {why}", route.method));
                }
                swept += 1;
            }
        }
    }
    assert!(swept > 300, "only {swept} requests swept");
    assert!(
        wrong.is_empty(),
        "{} wrong answers:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    still_there(&app, &carol, &victim).await;
}

/// Nothing of the victim's was deleted or dismissed by the sweep.
async fn still_there(app: &TestApp, carol: &str, victim: &Victim) {
    let mut paths: Vec<String> = victim
        .ids_of(Kind::Status)
        .iter()
        .map(|id| format!("/api/v1/statuses/{id}"))
        .collect();
    paths.extend([
        format!("/api/v1/lists/{}", victim.ids_of(Kind::List)[0]),
        format!("/api/v2/filters/{}", victim.ids_of(Kind::Filter)[0]),
        format!(
            "/api/v1/notifications/{}",
            victim.ids_of(Kind::Notification)[0]
        ),
        format!(
            "/api/v2/notifications/{}",
            victim.ids_of(Kind::NotificationGroup)[0]
        ),
        format!("/api/v1/polls/{}", victim.ids_of(Kind::Poll)[0]),
    ]);
    for path in paths {
        let resp = app.get(&path, carol).await;
        assert_eq!(
            resp.status(),
            200,
            "GET {path} by its owner after the sweep"
        );
    }
}
