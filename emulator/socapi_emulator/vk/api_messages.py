"""VK REST methods: messages.*."""

from ..common import ApiError
from .constants import USER_GROUP, invalid
from .call import api
from .api_wall import with_extended


# --- messages ----------------------------------------------------------------

def message_peer(call, names=("peer_id", "user_id", "domain")):
    """The other side of a conversation: a user, or a community as a negative id."""
    for name in names:
        value = call.text(name)
        if not value:
            continue
        if name == "domain":
            found = call.world.resolve_screen_name(value)
            if found is None or found[0] == "application":
                raise invalid(name)
            peer = found[1] if found[0] == "user" else -found[1]
        else:
            peer = call.integer(name)
        if (peer > 0 and peer in call.world.users) or (peer < 0 and -peer in call.world.groups):
            return peer
        raise invalid(name)  # chats (2000000000 + id) are not emulated
    raise invalid(names[0], "is undefined")


def deliver(call, peer, random_id, text, attachments):
    """Send one message; a resend with the same random_id returns the first id."""
    sender = call.viewer
    if sender < 0 and peer < 0:
        raise invalid("peer_id")
    allowed, reason = call.world.can_write(sender, peer)
    if not allowed:
        raise ApiError(reason)
    key = (sender, peer, random_id)
    if random_id and key in call.world.sent:
        return call.world.sent[key]
    message = call.world.send_message(sender, peer, text, call.world.tick(), attachments, random_id)
    if random_id:
        call.world.sent[key] = message
    return message


@api("messages.send", USER_GROUP, permissions=("messages",))
def messages_send(call):
    random_id = call.integer("random_id")
    text = call.text("message")
    attachments = call.attachments("attachment", ("photo", "wall"))
    if not text and not attachments:
        raise invalid("message", "is empty")
    if call.text("chat_id"):
        raise invalid("chat_id")  # no chats here
    if not call.text("peer_ids"):
        return deliver(call, message_peer(call), random_id, text, attachments)["id"]
    answers = []
    for peer in call.integers("peer_ids"):
        try:
            if not ((peer > 0 and peer in call.world.users) or (peer < 0 and -peer in call.world.groups)):
                raise invalid("peer_ids")
            message = deliver(call, peer, random_id, text, attachments)
            answers.append({"peer_id": peer, "message_id": message["id"],
                            "conversation_message_id": message["cmid"]})
        except ApiError as error:
            answers.append({"peer_id": peer, "message_id": 0, "conversation_message_id": 0,
                            "error": {"code": error.code}})
    return answers


def conversations_answer(call, peers, answer):
    viewer = call.viewer
    items = [{"conversation": call.world.render_conversation(viewer, peer),
              "last_message": call.world.render_message(call.world.visible_messages(viewer, peer)[-1], viewer)}
             for peer in peers]
    answer["items"] = items
    return with_extended(call, answer, items)


@api("messages.getConversations", USER_GROUP, permissions=("messages",))
def messages_get_conversations(call):
    viewer = call.viewer
    peers = call.world.peers_of(viewer)
    unread = [peer for peer in peers if "unread_count" in call.world.render_conversation(viewer, peer)]
    kind = call.text("filter") or "all"
    if kind not in ("all", "unread", "unanswered", "important", "archive", "sorted_chats"):
        raise invalid("filter")
    if kind == "unread":
        peers = unread
    elif kind == "unanswered":
        peers = [peer for peer in peers if call.world.visible_messages(viewer, peer)[-1]["from_id"] != viewer]
    elif kind != "all":
        peers = []  # nothing is important, archived or a chat here
    answer = {"count": len(peers)}
    if unread:
        answer["unread_count"] = len(unread)
    return conversations_answer(call, call.page(peers, 20, 200), answer)


@api("messages.getConversationsById", USER_GROUP, permissions=("messages",))
def messages_get_conversations_by_id(call):
    peers = [peer for peer in call.integers("peer_ids", required=True)
             if call.world.visible_messages(call.viewer, peer)]
    items = [call.world.render_conversation(call.viewer, peer) for peer in peers]
    return with_extended(call, {"count": len(items), "items": items}, items, *peers)


@api("messages.getHistory", USER_GROUP, permissions=("messages",))
def messages_get_history(call):
    peer = message_peer(call)
    messages = call.world.visible_messages(call.viewer, peer)
    ordered = messages if call.integer("rev", 0) == 1 else messages[::-1]
    if call.text("start_message_id"):
        start = call.integer("start_message_id")
        ordered = ordered[next((n for n, m in enumerate(ordered) if m["id"] == start), len(ordered)):]
    items = [call.world.render_message(message, call.viewer) for message in call.page(ordered, 20, 200)]
    answer = {"count": len(messages), "items": items}
    if call.flag("extended"):
        answer.update(call.extended(items, peer))
        answer["conversations"] = [call.world.render_conversation(call.viewer, peer)] if messages else []
    return answer


@api("messages.getById", USER_GROUP, permissions=("messages",))
def messages_get_by_id(call):
    found = filter(None, (call.world.message_of(call.viewer, number)
                          for number in call.integers("message_ids", required=True)))
    items = [call.world.render_message(message, call.viewer) for _, message in found]
    return with_extended(call, {"count": len(items), "items": items}, items)


def own_dialog_message(call, peer, message_id_name="message_id"):
    """A visible message of the conversation with `peer`, by message_id or cmid."""
    messages = call.world.visible_messages(call.viewer, peer)
    if call.text("cmid"):
        wanted, key = call.integer("cmid"), "cmid"
    else:
        wanted, key = call.integer(message_id_name), "id"
    message = next((m for m in messages if m[key] == wanted), None)
    if message is None:
        raise invalid(message_id_name)
    return message


@api("messages.edit", USER_GROUP, permissions=("messages",))
def messages_edit(call):
    message = own_dialog_message(call, message_peer(call, ("peer_id",)))
    if message["from_id"] != call.viewer:
        raise ApiError(920)
    attachments = call.attachments("attachment", ("photo", "wall"))
    if not call.text("message") and not attachments:
        raise invalid("message", "is empty")
    message.update(text=call.text("message"), attachments=attachments, update_time=call.world.tick())
    return 1


@api("messages.delete", USER_GROUP, permissions=("messages",))
def messages_delete(call):
    """Hides messages from the caller, or from both sides with delete_for_all (own messages only)."""
    if call.text("cmids"):
        peer = message_peer(call, ("peer_id",))
        messages = call.world.visible_messages(call.viewer, peer)
        targets = [next((m for m in messages if m["cmid"] == cmid), None)
                   for cmid in call.integers("cmids")]
    else:
        targets = [(call.world.message_of(call.viewer, number) or (None, None))[1]
                   for number in call.integers("message_ids", required=True)]
    answers = []
    for message in targets:
        if message is None:
            answers.append({"response": 0, "error": {"code": 100}})
            continue
        peer = message["peer"] if message["from_id"] == call.viewer else message["from_id"]
        item = {"peer_id": peer, "message_id": message["id"], "conversation_message_id": message["cmid"]}
        if call.flag("delete_for_all") and message["from_id"] != call.viewer:
            answers.append({**item, "response": 0, "error": {"code": 924}})
            continue
        message["hidden_for"] |= {call.viewer, peer} if call.flag("delete_for_all") else {call.viewer}
        answers.append({**item, "response": 1})
    return answers


@api("messages.markAsRead", USER_GROUP, permissions=("messages",))
def messages_mark_as_read(call):
    peer = message_peer(call, ("peer_id",))
    incoming = [m["id"] for m in call.world.visible_messages(call.viewer, peer) if m["from_id"] == peer]
    last = call.integer("start_message_id", max(incoming, default=0))
    key = (call.viewer, peer)
    call.world.read[key] = max(call.world.read.get(key, 0), last)
    return 1


@api("messages.setActivity", USER_GROUP, permissions=("messages",))
def messages_set_activity(call):
    message_peer(call, ("peer_id", "user_id"))
    if call.text("type") not in ("", "audiomessage", "file", "photo", "typing", "video"):
        raise invalid("type")
    return 1
