import { Body, Controller, Get, HttpCode, Post, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Audited, CurrentPrincipal, Roles } from '../../common/auth/decorators';
import { Principal } from '../../common/tenancy/request-context';
import { UuidParam } from '../users/users.controller';
import { AddendumDto, AddendumResponseDto, NoteResponseDto, PutNoteDto, SignNoteDto } from './dto/note.dto';
import { NotesService } from './notes.service';

/** The clinical note of a session. Every call, allowed or denied, is in the audit trail. */
@ApiTags('notes')
@ApiBearerAuth()
@Roles('admin', 'clinician')
@Controller('v1/sessions/:id/note')
export class NotesController {
  constructor(private readonly notes: NotesService) {}

  @Get()
  @Audited({ action: 'note.read', resourceType: 'session', idParam: 'id' })
  @ApiOperation({ summary: 'The session’s note with its addenda (care team only)' })
  @ApiOkResponse({ type: NoteResponseDto })
  get(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string): Promise<NoteResponseDto> {
    return this.notes.get(p, id);
  }

  @Put()
  @Audited({ action: 'note.write', resourceType: 'session', idParam: 'id' })
  @ApiOperation({ summary: 'Create (201) or replace (200) the draft; replacing needs the version you read (stale → 409)' })
  @ApiOkResponse({ type: NoteResponseDto })
  @ApiCreatedResponse({ type: NoteResponseDto })
  @ApiConflictResponse({ description: 'version_conflict, note_signed' })
  async put(
    @CurrentPrincipal() p: Principal,
    @UuidParam('id') id: string,
    @Body() dto: PutNoteDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<NoteResponseDto> {
    const { created, note } = await this.notes.put(p, id, dto);
    void reply.status(created ? 201 : 200);
    return note;
  }

  @Post('sign')
  @HttpCode(200)
  @Audited({ action: 'note.sign', resourceType: 'session', idParam: 'id' })
  @ApiOperation({ summary: 'Sign the draft: it never changes again (corrections are addenda)' })
  @ApiOkResponse({ type: NoteResponseDto })
  @ApiUnprocessableEntityResponse({ description: 'note_incomplete' })
  sign(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string, @Body() dto: SignNoteDto): Promise<NoteResponseDto> {
    return this.notes.sign(p, id, dto);
  }

  @Post('addenda')
  @Audited({ action: 'note.addendum', resourceType: 'session', idParam: 'id' })
  @ApiOperation({ summary: 'Add a correction to a signed note (append-only)' })
  @ApiCreatedResponse({ type: AddendumResponseDto })
  addAddendum(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string, @Body() dto: AddendumDto): Promise<AddendumResponseDto> {
    return this.notes.addAddendum(p, id, dto);
  }
}
