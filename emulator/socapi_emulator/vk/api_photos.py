"""VK REST methods: photos.* (albums, listings and the upload flow)."""

import re

from ..common import ApiError, md5_hex
from .constants import (MESSAGES_ALBUM, SYSTEM_ALBUMS, UPLOAD_DIMENSIONS, USER, USER_GROUP, USER_SERVICE,
                        invalid)
from .call import api


# --- photos ------------------------------------------------------------------

def album_of(call, name="album_id"):
    """An album id: a number, or wall / profile / saved for the system albums."""
    text = call.required(name)
    aliases = {alias: number for number, (alias, _) in SYSTEM_ALBUMS.items()}
    if text in aliases:
        return aliases[text]
    return call.integer(name)


def uploads_owner(call):
    """Where uploaded photos go: the caller, or a community he manages (group_id)."""
    if call.text("group_id"):
        return call.admin_of(call.integer("group_id"))
    return call.me()


def photos_by_key(call, name):
    """Photos named "<owner>_<id>[_<access key>]" that the caller may see."""
    found = []
    for item in call.names(name, required=True):
        match = re.fullmatch(r"(-?\d+)_(\d+)(?:_\w+)?", item)
        if not match:
            raise invalid(name)
        try:
            call.world.check_owner(int(match[1]), call.viewer)
        except ApiError:
            continue
        photo = call.world.photo(int(match[1]), int(match[2]))
        if photo:
            found.append(photo)
    return found


@api("photos.get", USER_SERVICE, permissions=("photos",))
def photos_get(call):
    owner = call.owner()
    album = call.world.album(owner, album_of(call))
    if album is None or album["id"] == MESSAGES_ALBUM:
        raise invalid("album_id")
    photos = call.world.album_photos(owner, album["id"])
    wanted = call.integers("photo_ids")
    photos = [photo for photo in photos if not wanted or photo["id"] in wanted]
    if call.flag("rev"):
        photos.reverse()
    return {"count": len(photos), "items": [call.world.render_photo(photo, call.viewer, call.flag("extended"))
                                            for photo in call.page(photos, 50, 1000)]}


@api("photos.getAll", USER, permissions=("photos",))
def photos_get_all(call):
    """Every photo of an owner, newest first, but those sent in messages."""
    owner = call.owner()
    photos = [photo for photo in reversed(call.world.owner_photos(owner)) if photo["album_id"] != MESSAGES_ALBUM
              and (photo["album_id"] > 0 or not call.flag("no_service_albums"))]
    page = call.page(photos, 20, 200)
    more = call.integer("offset", 0) + len(page) < len(photos)
    return {"count": len(photos), "items": [call.world.render_photo(photo, call.viewer, call.flag("extended"))
                                            for photo in page], "more": int(more)}


@api("photos.getAlbums", USER_SERVICE, permissions=("photos",))
def photos_get_albums(call):
    owner = call.owner()
    albums = list(call.world.albums.get(owner, []))
    if call.flag("need_system"):
        albums = [call.world.album(owner, number) for number in SYSTEM_ALBUMS] + albums
    wanted = call.integers("album_ids")
    albums = [album for album in albums if not wanted or album["id"] in wanted]
    items = [call.world.render_album(album, call.viewer, call.flag("need_covers"), call.flag("photo_sizes"))
             for album in call.page(albums, len(albums), len(albums))]
    return {"count": len(albums), "items": items}


@api("photos.getById", USER_SERVICE, permissions=("photos",))
def photos_get_by_id(call):
    return [call.world.render_photo(photo, call.viewer, call.flag("extended"))
            for photo in photos_by_key(call, "photos")]


@api("photos.createAlbum", USER, permissions=("photos",))
def photos_create_album(call):
    title = call.required("title")
    if len(title) < 2:
        raise invalid("title", "should be at least 2 characters long")
    album = call.world.add_album(uploads_owner(call), title, call.world.tick(), call.flag("upload_by_admins_only"),
                                 call.flag("comments_disabled"))
    return call.world.render_album(album, call.viewer)


@api("photos.delete", USER, permissions=("photos",))
def photos_delete(call):
    if call.text("photos"):
        photos = photos_by_key(call, "photos")
    else:
        photo = call.world.photo(call.owner(), call.integer("photo_id"))
        photos = [photo] if photo else []
    if not photos:
        raise invalid("photo_id")
    for photo in photos:
        if not call.world.manages(photo["owner_id"], call.me()):
            raise ApiError(15, "Access denied: you can't delete this photo")
        photo["deleted"] = True
        owner = call.world.users.get(photo["owner_id"])
        if owner and owner["avatar"] == photo["id"]:
            owner["avatar"] = None
    return 1


@api("photos.getUploadServer", USER, permissions=("photos",))
def photos_get_upload_server(call):
    owner = uploads_owner(call)
    album = call.world.album(owner, call.integer("album_id"))
    if album is None or album.get("system"):
        raise invalid("album_id")
    return upload_server(call, "album", owner, album["id"])


@api("photos.getWallUploadServer", USER, permissions=("photos",))
def photos_get_wall_upload_server(call):
    return upload_server(call, "wall", uploads_owner(call), -7)


@api("photos.getMessagesUploadServer", USER_GROUP, permissions=("photos",))
def photos_get_messages_upload_server(call):
    return upload_server(call, "messages", call.viewer, MESSAGES_ALBUM)


@api("photos.getOwnerPhotoUploadServer", USER, permissions=("photos",))
def photos_get_owner_photo_upload_server(call):
    owner = call.integer("owner_id", call.me())
    if owner != call.me():
        call.admin_of(-owner)
    return {"upload_url": call.platform.upload_url("owner", call.viewer, owner, -6)}


def upload_server(call, kind, owner, album_id):
    answer = {"upload_url": call.platform.upload_url(kind, call.viewer, owner, album_id),
              "album_id": album_id, "user_id": call.user_id or 0}
    if owner < 0:
        answer["group_id"] = -owner
    return answer


def saved_photos(call, uploads):
    """The photos made of claimed uploads (see Vk.claim_uploads)."""
    uploader = call.user_id or 100  # VK's user_id for what a community uploads itself
    return [call.world.add_photo(upload.owner, upload.album_id, uploader, call.world.tick(),
                                 call.text("caption"), UPLOAD_DIMENSIONS, upload.number)
            for upload in uploads]


@api("photos.saveWallPhoto", USER, permissions=("photos",))
def photos_save_wall_photo(call):
    uploads = call.platform.claim_uploads(call, "wall", "photo", uploads_owner(call), -7)
    return [call.world.render_photo(photo, call.viewer) for photo in saved_photos(call, uploads)]


@api("photos.save", USER, permissions=("photos",))
def photos_save(call):
    uploads = call.platform.claim_uploads(call, "album", "photos_list", uploads_owner(call),
                                          call.integer("album_id"))
    return [call.world.render_photo(photo, call.viewer) for photo in saved_photos(call, uploads)]


@api("photos.saveMessagesPhoto", USER_GROUP, permissions=("photos",))
def photos_save_messages_photo(call):
    uploads = call.platform.claim_uploads(call, "messages", "photo", call.viewer, MESSAGES_ALBUM)
    return [call.world.render_photo(photo, call.viewer) for photo in saved_photos(call, uploads)]


@api("photos.saveOwnerPhoto", USER, permissions=("photos",))
def photos_save_owner_photo(call):
    """The uploaded photo becomes the profile photo of whom the upload server was for."""
    (photo,) = saved_photos(call, call.platform.claim_uploads(call, "owner", "photo"))
    if photo["owner_id"] > 0:
        call.world.users[photo["owner_id"]].update(avatar=photo["id"], has_photo=1)
    sizes = call.world.photo_sizes(photo)
    return {"photo_hash": md5_hex(f"owner-photo:{photo['id']}"), "photo_src": sizes[2]["url"],
            "photo_src_big": sizes[-1]["url"], "photo_src_small": sizes[0]["url"], "saved": 1}
